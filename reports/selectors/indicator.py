"""One indicator: actual versus target over the years, its breakdowns, the spread of school
values and the schools below target. School-level rows are read only for viewers allowed them."""
import statistics

from indicators.formula import parse
from indicators.models import Indicator, IndicatorValue, School, TargetLink
from indicators.rollup.school_values import every_active_school, school_values
from indicators.verdicts import judge_with_link
from plans.models import AnnualTarget, Plan
from reports.selectors.outlook import outlook, trend_forecast
from reports.selectors.overview import _num, _provisional, display_decimals, target_goal, verdict_fields

BREAKDOWNS = ["town", "school_type", "ownership", "area", "language"]
BELOW_TARGET_SHOWN = 50


def _row(row, scale: float = 1.0) -> dict:
    """One unit's figure with the counts that were summed (a percentage's numerator without its ×100)."""
    numerator = _num(row["numerator"])
    return {"key": row["unit_key"], "label": row["unit_label"], "value": _num(row["value"]),
            "numerator": None if numerator is None else numerator / scale, "denominator": _num(row["denominator"]),
            "reported": row["schools_reported"], "expected": row["schools_expected"],
            "provisional": _provisional(row)}  # some schools not reported: 「(暂)」, as on the district


def _scale(indicator) -> float:
    try:
        return parse(indicator.numerator).scale
    except ValueError:
        return 1.0


FIELDS = ("year", "level", "unit_key", "unit_label", "value", "numerator", "denominator",
          "schools_reported", "schools_expected", "computed_at")


def spread_stats(values: list[float]) -> dict | None:
    """Box statistics computed here so the page carries five numbers, not every school's value."""
    if len(values) < 2:
        return None
    q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return {"n": len(values), "min": min(values), "q1": q1, "median": median, "q3": q3, "max": max(values),
            "mean": statistics.fmean(values)}


def _met_fast(target):
    """The target's rule on floats: thousands of school values are checked per page view."""
    value, low, high = (None if x is None else float(x) for x in (target.value, target.low, target.high))
    return {"gte": lambda a: a >= value, "gt": lambda a: a > value, "lte": lambda a: a <= value,
            "lt": lambda a: a < value, "eq": lambda a: a == value,
            "range": lambda a: low <= a <= high}[target.comparator]


def _school_part(indicator, year, target, link, school_codes) -> dict:
    """School rows, their spread and — only for a target that applies to every school (its scope) — the
    schools below it: 「市级示范园32所」 is not a goal for one kindergarten."""
    units = every_active_school(School.objects.all()) if school_codes is None else \
        School.objects.filter(active=True, code__in=school_codes)
    rows = sorted(school_values(indicators=[indicator], years=[year], schools=units), key=lambda r: r["unit_key"])
    scale = _scale(indicator)
    schools = [_row(r, scale) for r in rows] if school_codes is not None else []
    values = [(r["unit_key"], r["unit_label"], r["value"]) for r in rows if r["value"] is not None]
    judged = target is not None and link is not None and link.scope == "school"
    below = []
    if judged:
        met = _met_fast(target)
        for key, label, value in values:
            if met(float(value)):
                continue
            verdict = judge_with_link(target=target, link=link, indicator=indicator,
                                      row={"value": value, "schools_reported": 1, "schools_expected": 1})
            if verdict.status in {"not_met", "close"}:
                below.append({"key": key, "label": label, "value": float(value), "status": verdict.status,
                              "gap": float(target.distance_from(value)), "margin": verdict.margin})
        below.sort(key=lambda s: -s["gap"])
    return {"spread": spread_stats([float(v) for _, _, v in values]), "below_judged": judged,
            "below_total": len(below), "below": below[:BELOW_TARGET_SHOWN], "schools": schools}


def _town_rows(rows, target, link, indicator, scale) -> list[dict]:
    """Towns judged against the target only where the target applies to towns (its scope)."""
    out = []
    for row in rows:
        entry = _row(row, scale)
        if target is not None and link is not None and link.scope in ("town", "school"):
            verdict = judge_with_link(target=target, link=link, indicator=indicator, row=row)
            entry.update(status=verdict.status, margin=verdict.margin, provisional=verdict.provisional,
                         decimals=display_decimals(target, row["value"], indicator.decimals))
        out.append(entry)
    return out


def indicator_payload(*, plan: Plan, indicator: Indicator, year: int, school_codes=None, with_schools=True) -> dict:
    """``school_codes``: None = every school may be listed; a set = only these (a reporter's own school)."""
    link = TargetLink.objects.filter(plan=plan, indicator=indicator).order_by("id").first()
    targets = {t.year: t for t in AnnualTarget.objects.filter(plan=plan, measure=link.measure)} if link else {}
    rows = IndicatorValue.objects.filter(indicator=indicator, year__in=plan.years).exclude(level="school")
    by_level: dict = {}
    for row in rows.order_by("unit_key").values(*FIELDS):
        by_level.setdefault(row["level"], {}).setdefault(row["year"], []).append(row)
    district = {y: rs[0] for y, rs in by_level.get("district", {}).items()}
    target = targets.get(year)
    scale = _scale(indicator)
    verdict = verdict_fields(target, link, district.get(year)) if target else None
    breakdowns = {level: [_row(r, scale) for r in by_level.get(level, {}).get(year, [])] for level in BREAKDOWNS}
    breakdowns["town"] = _town_rows(by_level.get("town", {}).get(year, []), target, link, indicator, scale)
    payload = {
        "plan": {"id": plan.id, "key": plan.key, "title": plan.title, "years": plan.years}, "year": year,
        "indicator": {"code": indicator.code, "name": indicator.name_zh, "name_en": indicator.name_en,
                      "unit": indicator.unit, "decimals": indicator.decimals, "direction": indicator.direction,
                      "description": indicator.description,
                      # as the plan's target writes the figure: a ratio target's 1:1,850 at every level
                      "kind": next(iter(targets.values())).kind if targets else "number"},
        "target_name": target.name if target else (link.measure if link else ""),
        "goal": target_goal(target) if target else None,
        "status": verdict["status"] if verdict else None, "verdict": verdict,
        "outlook": outlook(target=target, indicator=indicator, years=plan.years, values=district,
                           status=verdict["status"]) if target else {"status": None},
        "scope": link.scope if link else None,
        "trend": {"indicator": indicator.code, "name": indicator.name_zh, "name_en": indicator.name_en,
                  "unit": indicator.unit, "decimals": indicator.decimals, "years": plan.years,
                  "actual": [_num(district[y]["value"]) if y in district else None for y in plan.years],
                  "reported": [district[y]["schools_reported"] if y in district else None for y in plan.years],
                  "expected": [district[y]["schools_expected"] if y in district else None for y in plan.years],
                  "provisional": [_provisional(district.get(y)) for y in plan.years],
                  "forecast": trend_forecast(indicator=indicator, years=plan.years, values=district),
                  "goals": [target_goal(targets[y]) for y in plan.years if y in targets]},
        "district": {**_row(district[year], scale), "decimals": display_decimals(
            target, district[year]["value"], indicator.decimals) if target else indicator.decimals}
        if year in district else None,
        "breakdowns": breakdowns,
        "data_as_of": district[year]["computed_at"].isoformat() if year in district else None,
    }
    if with_schools:
        payload.update(_school_part(indicator, year, target, link, school_codes))
    return payload


def school_history(*, school_code: str, years) -> list[dict]:
    """Every indicator value of one school over the years, indicator by indicator."""
    rows = school_values(indicators=Indicator.objects.order_by("code"), years=years,
                         schools=School.objects.filter(code=school_code, active=True))
    table: dict = {}
    for row in rows:
        entry = table.setdefault(row["indicator"].code, {"indicator": row["indicator"], "values": {}})
        entry["values"][row["year"]] = _num(row["value"])
    return [{"indicator": e["indicator"], "values": [e["values"].get(y) for y in years]} for e in table.values()]
