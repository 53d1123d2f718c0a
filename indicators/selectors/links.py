"""Reads for the 「对应指标」 page: a plan measure's targets, its link, and the bureau's indicators with their
formulas in words and the plans that already use each. Indicators belong to the bureau, not to one plan:
毛入园率 is the same figure in every plan. A fixed number of queries whatever the number of indicators."""
from collections import defaultdict

from indicators.formula import formula_in_words
from indicators.models import DataElement, Indicator, TargetLink
from plans.models import AnnualTarget, Plan


def targets_of_measure(*, plan: Plan, measure: str) -> list[AnnualTarget]:
    """The measure's yearly targets in the plan, each with its stored verdict (``rollup_status``) if any."""
    return list(AnnualTarget.objects.filter(plan=plan, measure=measure).select_related("rollup_status")
                .order_by("year"))


def link_of(*, plan: Plan, measure: str) -> TargetLink | None:
    return TargetLink.objects.filter(plan=plan, measure=measure).select_related("indicator").first()


def indicator_choices(*, plan: Plan, measure: str, name: str) -> list[Indicator]:
    """Every indicator, each with ``numerator_words`` / ``denominator_words`` (element names, not codes),
    ``used_by`` (「plan title · target name」 of every other plan measure it measures) and ``suggested`` (the
    same code or name as the measure, or linked from the same measure of another plan); suggested first."""
    names = dict(DataElement.objects.values_list("code", "name_zh"))
    used = _uses(exclude=(plan.pk, measure))
    same_measure = {ind for ind, (_plan_id, other) in used["keys"] if other == measure}
    indicators = list(Indicator.objects.order_by("code"))
    for indicator in indicators:
        indicator.numerator_words = formula_in_words(indicator.numerator, names)
        indicator.denominator_words = formula_in_words(indicator.denominator, names)
        indicator.used_by = used["labels"].get(indicator.pk, [])
        indicator.suggested = (indicator.code == measure or indicator.name_zh == name
                               or indicator.pk in same_measure)
    return sorted(indicators, key=lambda i: not i.suggested)


def _uses(*, exclude: tuple[int, str]) -> dict:
    links = [(link.indicator_id, link.plan_id, link.measure) for link in
             TargetLink.objects.filter(indicator__isnull=False).only("indicator_id", "plan_id", "measure")
             if (link.plan_id, link.measure) != exclude]
    titles = dict(Plan.objects.values_list("id", "title"))
    target_names = {(p, m): n for p, m, n in AnnualTarget.objects.values_list("plan_id", "measure", "name")}
    labels = defaultdict(list)
    for indicator_id, plan_id, measure in sorted(links, key=lambda row: (row[1], row[2])):
        labels[indicator_id].append(f"{titles.get(plan_id, '')} · {target_names.get((plan_id, measure), measure)}")
    return {"labels": labels, "keys": {(ind, (p, m)) for ind, p, m in links}}
