"""The one verdict on an annual target: 达标 / 接近 / 未达标 / 数据未齐 / 无数据.

Every page, slide, export and the rollup's stored status call ``judge``; none re-derives a status.

Rules, in order:
* no figure → 无数据;
* a **count or sum** (an indicator without a denominator) from incomplete data grows as the missing
  schools report (their figures are counts or amounts, never negative). Its verdict is final only when
  no further report can change it — a ≥ goal already reached, a ≤ goal already exceeded; otherwise it is
  数据未齐, never ✘ (55 of 80 kindergartens approved: 11 model kindergartens is not "short of 32");
* a **ratio** over the schools that reported keeps its verdict, flagged provisional with its coverage;
* met → 达标; within the link's tolerance of the goal → 接近; else 未达标.

Target kinds (plans.TargetKind) need nothing else here, by construction: a ratio 「不低于1:2000」 is stored as
≤ 2000 on the figure measured (students per teacher), so 1850 is judged like any number; a count or money
goal is a number. Only a yes/no milestone differs: it is done (1, True) or not, so it has no 接近.

The margin is the actual minus the edge of the goal it is judged against (87.9% against ≥86%: +1.9), so a
met target shows how far it is over, not ±0.
"""
from dataclasses import asdict, dataclass
from decimal import Decimal

MET, CLOSE, NOT_MET, INCOMPLETE, NO_DATA = "met", "close", "not_met", "incomplete", "no_data"


@dataclass(frozen=True)
class Verdict:
    status: str
    actual: float | None
    margin: float | None  # actual − the goal's edge; None without a figure or inside a range
    reported: int  # schools whose figures went into the value
    expected: int  # schools that should report (0: the bureau's own figure, no school reports it)
    provisional: bool  # some schools have not reported: the figure may still change
    approximate: bool  # the measure only approximates the target's wording (see note)
    note: str

    def as_dict(self) -> dict:
        return asdict(self)


def is_provisional(reported: int, expected: int) -> bool:
    """Some schools have not reported yet: the figure may still change. The one rule for every point, card and
    forecast."""
    return 0 < expected and reported < expected


def row_is_provisional(row) -> bool:
    """is_provisional for a stored value row (a dict with schools_reported / schools_expected), None: no."""
    return bool(row) and is_provisional(row["schools_reported"], row["schools_expected"])


def judge(*, target, actual, tolerance=0, reported: int = 0, expected: int = 0, additive: bool = False,
          approximate: bool = False, note: str = "") -> Verdict:
    """``target``: a plans.AnnualTarget (comparator, value, low, high). ``additive``: the indicator is a
    count or sum (no denominator), so missing schools can only add to it."""
    provisional = is_provisional(reported, expected)
    if actual is None:
        return Verdict(NO_DATA, None, None, reported, expected, provisional, approximate, note)
    actual = Decimal(int(actual) if isinstance(actual, bool) else str(actual))
    if getattr(target, "kind", None) == "milestone":
        tolerance = 0  # half done is not done
    met = target.is_met_by(actual)
    if additive and provisional and _could_still_change(target, actual, met):
        status = INCOMPLETE
    elif met:
        status = MET
    elif tolerance and target.distance_from(actual) <= Decimal(str(tolerance)):
        status = CLOSE  # a miss within the tolerance; a tolerance of 0 has no 接近 (5 is not "< 5")
    else:
        status = NOT_MET
    # the distance from a partial count is not a fact: no margin while the data is incomplete
    margin = None if status == INCOMPLETE else margin_of(target, actual)
    return Verdict(status, float(actual), margin, reported, expected, provisional, approximate, note)


def _could_still_change(target, actual: Decimal, met: bool) -> bool:
    """Whether figures still to come (each ≥ 0) could change the verdict on a partial sum."""
    comparator = target.comparator
    if comparator in ("gte", "gt"):
        return not met  # once reached, more cannot undo it
    if comparator in ("lte", "lt"):
        return met  # once exceeded, more cannot bring it back
    ceiling = target.value if comparator == "eq" else target.high
    return actual <= ceiling  # = or a range: final only once past the top


def margin_of(target, actual) -> float | None:
    if actual is None:
        return None
    actual = Decimal(str(actual))
    if target.comparator == "range":
        if actual < target.low:
            return float(actual - target.low)
        if actual > target.high:
            return float(actual - target.high)
        return None
    return float(actual - target.value)


def judge_with_link(*, target, link, indicator, row) -> Verdict:
    """The verdict on ``target`` from a stored indicator value ``row`` (a mapping with value,
    schools_reported, schools_expected, or None) through its ``link``. The approximation and its note belong
    to the years the link names (the 2022 「专职」 target), not to every year of the measure."""
    approximate = link.approximates(target.year)
    return judge(
        target=target, actual=row["value"] if row else None, tolerance=link.tolerance,
        reported=row["schools_reported"] if row else 0, expected=row["schools_expected"] if row else 0,
        additive=indicator.is_partial_sum, approximate=approximate, note=link.match_note if approximate else "",
    )
