"""The yearly series the forecast backtest runs on: every stored unit's values over the years."""
from collections import defaultdict

from indicators.models import IndicatorValue
from indicators.verdicts import is_provisional


def yearly_series(*, levels=("district", "town")) -> list[tuple[str, list[int], list[float | None], bool]]:
    """(label, years, values, is_share) per indicator and unit; a unit's latest year is left out while it is
    provisional, as the forecast itself does."""
    rows = IndicatorValue.objects.filter(level__in=levels, value__isnull=False).values_list(
        "indicator__code", "indicator__unit", "level", "unit_key", "year", "value", "schools_reported",
        "schools_expected")
    grouped: dict = defaultdict(dict)
    units = {}
    for code, unit, level, key, year, value, reported, expected in rows:
        grouped[(code, level, key)][year] = (float(value), is_provisional(reported, expected))
        units[code] = unit
    out = []
    for (code, level, key), by_year in sorted(grouped.items()):
        years = sorted(by_year)
        values = [by_year[y][0] for y in years]
        if by_year[years[-1]][1]:
            values[-1] = None
        out.append((f"{code}/{level}/{key}", years, values, units[code] == "%"))
    return out
