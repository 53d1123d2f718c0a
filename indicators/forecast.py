"""Will we make it? A forecast and a progress status per target, from the yearly district figures.

Pure functions, no database (like the rollup engine).

**Forecast — a damped linear trend.** The slope is the least-squares slope of the last three observed
years (two if that is all there is); each further year adds the slope times φ^h (φ = 0.8), so a trend is
not extended for ever; shares are kept within 0–100 %. Fewer than two observed years: no forecast. The
band is ±1.28 × the spread of the year-on-year changes × √h (about 80 %), labelled indicative — with four
yearly points no interval is more than that. A point from incomplete data (some schools not yet reported)
is not used for fitting; it is forecast like a future year.

Why this method and not Holt or a plain line: with 3–4 yearly points per series any method with fitted
smoothing parameters has as many parameters as points; a fixed damping needs none. ``backtest`` predicts
each observed year from the years before it and compares the mean absolute error with the naive "same as
last year" forecast; `manage.py forecast_backtest` prints both on the stored data, and a test fails if the
method is worse than naive on the demo data.

**Progress status — the growth method Open SDG uses (Statistics Canada's), on differences.** The yearly
change needed to reach the target in its year, (target − current) ÷ years left, against the yearly change
observed over the last two years. ratio ≥ 1: 按当前进度可达标 (Open SDG's 0.95 is for 15-year horizons;
over one or two years "at the current pace" means the pace suffices); 0.6–1: 需加快进度; below 0.6 or going
the wrong way: 进展缓慢或倒退. Already at the target: 已达标. One observed year or none: 数据不足. Differences
rather than Open SDG's compound growth rates, because the targets are shares in percentage points
(「需年均提高0.8个百分点」), and a share near 100 % has almost no growth rate left to measure.
"""
import math
from dataclasses import dataclass

DAMPING = 0.8
Z80 = 1.28
ON_TRACK, ACCELERATE = 1.0, 0.6

ACHIEVED, ON_COURSE, NEEDS_ACCELERATION, OFF_TRACK, INSUFFICIENT = (
    "achieved", "on_track", "accelerate", "off_track", "insufficient")


@dataclass(frozen=True)
class Forecast:
    years: list[int]
    values: list[float]
    low: list[float]
    high: list[float]


def _slope(years: list[int], values: list[float]) -> float:
    mean_x, mean_y = sum(years) / len(years), sum(values) / len(values)
    spread = sum((x - mean_x) ** 2 for x in years)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(years, values, strict=True)) / spread


def _bound(value: float, bounded: bool) -> float:
    return min(100.0, max(0.0, value)) if bounded else value


def project(years: list[int], values: list[float | None], *, until: int, bounded: bool = False) -> Forecast | None:
    """Forecast every year after the last observed one up to ``until``. ``values`` may hold None (no data)."""
    observed = [(y, v) for y, v in zip(years, values, strict=True) if v is not None]
    if len(observed) < 2:
        return None
    last_year, last = observed[-1]
    recent = observed[-3:]
    slope = _slope([y for y, _ in recent], [v for _, v in recent])
    changes = [b - a for (_, a), (_, b) in zip(observed, observed[1:], strict=False)]
    spread = _stdev(changes) if len(changes) >= 2 else abs(changes[0])
    out = Forecast([], [], [], [])
    step, damped = 0, 0.0
    for year in range(last_year + 1, until + 1):
        step += 1
        damped += DAMPING ** step
        centre = last + slope * damped
        half = Z80 * spread * math.sqrt(step)
        out.years.append(year)
        out.values.append(_bound(centre, bounded))
        out.low.append(_bound(centre - half, bounded))
        out.high.append(_bound(centre + half, bounded))
    return out


def _stdev(numbers: list[float]) -> float:
    mean = sum(numbers) / len(numbers)
    return math.sqrt(sum((n - mean) ** 2 for n in numbers) / (len(numbers) - 1))


def progress(*, years: list[int], values: list[float | None], target: float, target_year: int,
             higher_is_better: bool = True) -> dict:
    """Status towards ``target`` in ``target_year`` from the observed series, with the yearly change needed
    and the yearly change seen (both in the figure's unit, signed)."""
    observed = [(y, v) for y, v in zip(years, values, strict=True) if v is not None]
    if not observed:
        return {"status": INSUFFICIENT, "required": None, "observed": None}
    year, current = observed[-1]
    sign = 1 if higher_is_better else -1
    if sign * (current - target) >= 0:
        return {"status": ACHIEVED, "required": None, "observed": None}
    if len(observed) < 2 or target_year <= year:
        return {"status": INSUFFICIENT, "required": None, "observed": None}
    base_year, base = observed[-3] if len(observed) >= 3 else observed[0]
    seen = (current - base) / (year - base_year)
    needed = (target - current) / (target_year - year)
    ratio = (seen / needed) if needed else math.inf
    if ratio >= ON_TRACK:
        status = ON_COURSE
    elif ratio >= ACCELERATE:
        status = NEEDS_ACCELERATION
    else:
        status = OFF_TRACK
    return {"status": status, "required": needed, "observed": seen}


def backtest(series: list[tuple[list[int], list[float]]], *, bounded: bool = False) -> dict:
    """One-step-ahead errors of the method and of the naive forecast, pooled over every series: each year
    with at least two earlier observed years is predicted from those years only."""
    method, naive = [], []
    for years, values in series:
        points = [(y, v) for y, v in zip(years, values, strict=True) if v is not None]
        for i in range(2, len(points)):
            history = points[:i]
            year, actual = points[i]
            guess = project([y for y, _ in history], [v for _, v in history], until=year, bounded=bounded)
            method.append(abs(guess.values[-1] - actual))
            naive.append(abs(history[-1][1] - actual))
    n = len(method)
    return {"n": n, "mae_method": sum(method) / n if n else None, "mae_naive": sum(naive) / n if n else None}
