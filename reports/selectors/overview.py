"""The leader overview: a summary line, a card per annual target, a trend per target indicator
and the progress of the action items. A fixed number of queries whatever the number of schools."""
from collections import defaultdict

from django.db.models import Count, Max, Q

from indicators import forecast
from indicators.models import Indicator, IndicatorValue, School, TargetLink
from indicators.rollup.school_values import school_values
from indicators.verdicts import INCOMPLETE, judge_with_link, margin_of, row_is_provisional
from plans.models import ActionItem, AnnualTarget, ItemStatus, Plan
from reports.selectors.outlook import outlook, trend_forecast

DISTRICT = ("district", "district")


def _num(value):
    return None if value is None else float(value)


def target_goal(target: AnnualTarget) -> dict:
    """The goal as data a chart can draw: a line (value) or a band (low, high)."""
    return {"year": target.year, "comparator": target.comparator, "value": _num(target.value),
            "low": _num(target.low), "high": _num(target.high), "display": target.display_goal()}


def display_decimals(target: AnnualTarget, actual, decimals: int) -> int:
    """Enough decimals that a miss never reads as the goal itself (96.96% against ≥97%: 96.96%, not 97.0%)."""
    if actual is None or target.is_met_by(actual):
        return decimals
    gap = abs(margin_of(target, actual) or 0)
    while decimals < 4 and gap and round(gap, decimals) == 0:
        decimals += 1
    return decimals


def _values_by_indicator(indicator_ids, years, unit) -> dict:
    level, key = unit
    if level == "school":  # a school's values are its own figures, computed when read
        found = school_values(indicators=Indicator.objects.filter(id__in=indicator_ids), years=years,
                              schools=School.objects.filter(code=key, active=True))
    else:
        found = IndicatorValue.objects.filter(indicator_id__in=indicator_ids, year__in=years, level=level,
                                              unit_key=key).values(
            "indicator_id", "year", "value", "schools_expected", "schools_reported", "computed_at", "unit_label")
    out = defaultdict(dict)
    for row in found:
        out[row["indicator_id"]][row["year"]] = row
    return out


def verdict_fields(target, link, row) -> dict:
    """The verdict as payload fields: status, margin, coverage, provisional, approximation — the same keys
    on cards, indicator pages, snapshots and exports."""
    verdict = judge_with_link(target=target, link=link, indicator=link.indicator, row=row)
    return {"status": verdict.status, "margin": verdict.margin, "schools_reported": verdict.reported,
            "schools_expected": verdict.expected, "provisional": verdict.provisional,
            "approximate": verdict.approximate, "approximation_note": verdict.note, "scope": link.scope}


def _card(target, link, row, history=None) -> dict:
    indicator = link.indicator
    actual = row["value"] if row else None
    fields = verdict_fields(target, link, row)
    fields["outlook"] = outlook(target=target, indicator=indicator, years=history[0], values=history[1],
                                status=fields["status"]) if history else {"status": None}
    note = getattr(target, "gap_note", None) if fields["status"] in {"not_met", "close", INCOMPLETE} else None
    return {
        "target_id": target.id, "measure": target.measure, "name": target.name, "year": target.year,
        "programme": target_programme(target), "indicator": indicator.code, "indicator_name": indicator.name_zh,
        "indicator_name_en": indicator.name_en, "unit": indicator.unit,
        "decimals": display_decimals(target, actual, indicator.decimals), "direction": indicator.direction,
        "goal": target_goal(target), "actual": _num(actual), "kind": target.kind, **fields,
        "computed_at": row["computed_at"].isoformat() if row else None,
        "gap_note": note.text if note else "",
    }


def target_programme(target) -> int | None:
    """The programme (工程) a target belongs to, when the plan model records it."""
    return getattr(target, "programme_number", None)


def _trend(link, targets_by_year: dict, values: dict, years) -> dict:
    indicator = link.indicator
    return {
        "forecast": trend_forecast(indicator=indicator, years=list(years), values=values),
        "indicator": indicator.code, "name": indicator.name_zh, "name_en": indicator.name_en, "unit": indicator.unit,
        "decimals": indicator.decimals, "years": list(years),
        "actual": [_num(values.get(y, {}).get("value")) for y in years],
        "reported": [values.get(y, {}).get("schools_reported") for y in years],
        "expected": [values.get(y, {}).get("schools_expected") for y in years],
        "provisional": [_provisional(values.get(y)) for y in years],
        "goals": [target_goal(targets_by_year[y]) for y in years if y in targets_by_year],
    }


_provisional = row_is_provisional  # a point drawn from incomplete data: indicators.verdicts decides


def summary_counts(cards: list[dict]) -> dict:
    counts = dict.fromkeys(["met", "close", "not_met", INCOMPLETE, "no_data"], 0)
    for card in cards:
        counts[card["status"]] += 1
    return {"total": len(cards), **counts}


def _progress(plan: Plan, year: int) -> dict:
    """Share of action items done up to the chosen year, by programme and by department."""
    items = ActionItem.objects.filter(programme__plan=plan, year__lte=year)
    done = Count("id", filter=Q(status=ItemStatus.DONE))
    programmes = items.values("programme__number", "programme__name").annotate(total=Count("id"), done=done)
    departments = items.values("departments__id", "departments__name").annotate(total=Count("id"), done=done)
    return {
        "programmes": [{"label": f"({p['programme__number']}) {p['programme__name']}", "total": p["total"],
                        "done": p["done"]} for p in programmes.order_by("programme__number")],
        "departments": [{"label": d["departments__name"], "total": d["total"], "done": d["done"]}
                        for d in departments.order_by("departments__id") if d["departments__id"]],
    }


def overview_payload(*, plan: Plan, year: int, unit: tuple[str, str] = DISTRICT) -> dict:
    links = {link.measure: link for link in TargetLink.objects.filter(plan=plan).select_related("indicator")}
    targets = list(AnnualTarget.objects.filter(plan=plan).select_related("gap_note").order_by("id"))
    measured = {m: link for m, link in links.items() if link.indicator_id}
    values = _values_by_indicator({link.indicator_id for link in measured.values()}, plan.years, unit)
    by_measure = defaultdict(dict)
    for target in targets:
        by_measure[target.measure][target.year] = target
    this_year = [t for t in targets if t.year == year]
    cards = [_card(t, measured[t.measure], values[measured[t.measure].indicator_id].get(year),
                   (plan.years, values[measured[t.measure].indicator_id]))
             for t in this_year if t.measure in measured]
    trends = [_trend(measured[m], by_measure[m], values[measured[m].indicator_id], plan.years)
              for m in dict.fromkeys(c["measure"] for c in cards)]
    # linked to no indicator on purpose (tracked by its action items), or not linked to anything yet
    untracked = [{"name": t.name, "goal": t.display_goal(), "note": links[t.measure].note}
                 for t in this_year if t.measure in links and t.measure not in measured]
    unlinked = [{"name": t.name, "goal": t.display_goal(), "measure": t.measure}
                for t in this_year if t.measure not in links]
    stamps = [c["computed_at"] for c in cards if c["computed_at"]]
    labels = {row["unit_label"] for rows in values.values() for row in rows.values()}
    return {
        "plan": {"id": plan.id, "key": plan.key, "title": plan.title, "years": plan.years}, "year": year,
        "unit": {"level": unit[0], "key": unit[1], "label": next(iter(labels), "")},
        "summary": summary_counts(cards), "cards": cards, "trends": trends, "untracked": untracked,
        "unlinked": unlinked,
        "risks": [c for c in cards if c["status"] in ("not_met", "close")
                  or c["outlook"]["status"] in (forecast.NEEDS_ACCELERATION, forecast.OFF_TRACK)],
        "progress": _progress(plan, year), "data_as_of": max(stamps) if stamps else None,
    }


def latest_computed_at():
    return IndicatorValue.objects.aggregate(at=Max("computed_at"))["at"]
