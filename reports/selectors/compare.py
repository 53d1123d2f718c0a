"""Plans side by side: how many of each plan's annual targets the rollup judged 达标 / 接近 / 未达标 / 数据未齐 /
无数据, per year, read from the stored TargetStatus (the one verdict, indicators.verdicts) — nothing re-judged
here. A target no indicator measures has no status: it is tracked by its action items and counted apart, as is a
measured target the rollup has not judged yet."""
from django.db.models import Count

from indicators.models import TargetLink, TargetStatus, TargetStatusValue
from plans.models import AnnualTarget, Plan

STATUSES = list(TargetStatusValue.values)


def plans_compared() -> list[dict]:
    """[{plan, years: [{year, counts: {status: n}, judged, pending, untracked, total}], totals}]: four queries
    whatever the number of plans and targets."""
    counted: dict = {}
    for plan_id, year, status, n in (TargetStatus.objects.values_list("target__plan_id", "target__year", "status")
                                     .annotate(n=Count("id")).order_by()):
        counted.setdefault((plan_id, year), dict.fromkeys(STATUSES, 0))[status] = n
    measured = set(TargetLink.objects.filter(indicator__isnull=False).values_list("plan_id", "measure"))
    targets: dict = {}
    for plan_id, year, measure in AnnualTarget.objects.values_list("plan_id", "year", "measure"):
        row = targets.setdefault((plan_id, year), {"total": 0, "measured": 0})
        row["total"] += 1
        row["measured"] += (plan_id, measure) in measured
    rows = []
    for plan in Plan.objects.order_by("archived", "-start_year", "-id"):
        years = [_year_row(year, counted.get((plan.pk, year)), targets.get((plan.pk, year))) for year in plan.years]
        rows.append({"plan": plan, "years": years, "totals": _sum(years)})
    return rows


def _year_row(year: int, counts: dict | None, targets: dict | None) -> dict:
    counts = counts or dict.fromkeys(STATUSES, 0)
    targets = targets or {"total": 0, "measured": 0}
    judged = sum(counts.values())
    return {"year": year, "counts": counts, "judged": judged, "pending": max(targets["measured"] - judged, 0),
            "untracked": targets["total"] - targets["measured"], "total": targets["total"]}


def _sum(years: list[dict]) -> dict:
    counts = {status: sum(y["counts"][status] for y in years) for status in STATUSES}
    keys = ("judged", "pending", "untracked", "total")
    return {"counts": counts, **{key: sum(y[key] for y in years) for key in keys}}
