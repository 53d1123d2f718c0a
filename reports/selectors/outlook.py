"""Will we make it? The forecast and progress status of a target from the stored yearly figures
(the arithmetic is `indicators.forecast`; this module only picks the series)."""
from decimal import Decimal

from indicators import forecast
from indicators.verdicts import INCOMPLETE, MET, NO_DATA, row_is_provisional


def fitted_series(years: list[int], values: dict) -> list[float | None]:
    """The yearly figures the forecast may learn from: every year's value except the latest year's while
    it is provisional (its schools are still reporting — it is forecast instead)."""
    series = [_value(values.get(y)) for y in years]
    latest = max((i for i, v in enumerate(series) if v is not None), default=None)
    if latest is not None and _provisional(values.get(years[latest])):
        series[latest] = None
    return series


def outlook(*, target, indicator, years: list[int], values: dict, status: str | None) -> dict:
    """``values``: year → stored district row (value, schools_reported, schools_expected); ``status``: the
    verdict (indicators.verdicts) on ``target`` from its own year's figure. For a target whose year has no
    final figure yet: its progress status and the forecast for its year — never contradicting that verdict.

    * A figure for the target's year that keeps its verdict (a ratio over the schools that reported) is the
      answer: met → 已达标, otherwise no outlook — no projection of the same year beside its actual.
    * No figure, or a partial sum that may still change (数据未齐): the trend's status and forecast, but
      已达标 only from the verdict; an earlier year at the goal reads 按当前进度可达标 when the trend still
      meets the goal in the target's year, 进展缓慢或倒退 when it falls short."""
    if indicator.unit != "%":
        return {"status": None}  # counts: the backtest shows no method beating "same as last year"
    series = fitted_series(years, values)
    observed = [y for y, v in zip(years, series, strict=True) if v is not None]
    if observed and observed[-1] >= target.year or target.value is None:
        return {"status": None}  # judged on its own figure (or a range: no single path to it)
    if status not in (NO_DATA, INCOMPLETE):  # the year's own (provisional) figure decides
        return _settled() if status == MET else {"status": None}
    result = forecast.progress(years=years, values=series, target=float(target.value), target_year=target.year,
                               higher_is_better=indicator.direction != "lower")
    projected = forecast.project(years, series, until=target.year, bounded=indicator.unit == "%")
    result["forecast"] = projected.values[-1] if projected else None
    result["band"] = [projected.low[-1], projected.high[-1]] if projected else None
    if result["status"] == forecast.ACHIEVED:  # an earlier year at the goal: this year is not judged yet
        result["status"] = _trend_status(target, result["forecast"])
    return result


def _settled() -> dict:
    return {"status": forecast.ACHIEVED, "required": None, "observed": None, "forecast": None, "band": None}


def _trend_status(target, projected: float | None) -> str:
    if projected is None:
        return forecast.INSUFFICIENT
    return forecast.ON_COURSE if target.is_met_by(Decimal(str(round(projected, 6)))) else forecast.OFF_TRACK


def trend_forecast(*, indicator, years: list[int], values: dict) -> dict | None:
    """The dashed forecast and its band for the trend chart: from the last fitted year to the plan's end."""
    if indicator.unit != "%":
        return None
    series = fitted_series(years, values)
    projected = forecast.project(years, series, until=years[-1], bounded=indicator.unit == "%")
    if not projected or not projected.years:
        return None
    last = max(y for y, v in zip(years, series, strict=True) if v is not None)
    anchor = series[years.index(last)]
    return {"years": [last, *projected.years], "values": [anchor, *projected.values],
            "low": [anchor, *projected.low], "high": [anchor, *projected.high]}


def _value(row):
    return None if not row or row.get("value") is None else float(row["value"])


_provisional = row_is_provisional  # a point drawn from incomplete data: indicators.verdicts decides
