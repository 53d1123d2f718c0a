"""Targets beside the action items that carry them, and beside their measured verdict.

**Item ↔ target.** A target stated in a year's action table (section 「2022年行动计划表」) comes from one item's
sentence: item 196 「全面提升学生体质健康,合格率达到90%及以上、优良率达到50%及以上。」 carries the 体质健康合格率
and 优良率 targets of 2022. An item carries a target when they share the year and the item's text contains the
source sentence (spaces and punctuation ignored). A target stated in a programme's goal (section = the
programme's name) belongs to that programme, not to one item.

**Verdict.** The rollup stores each measured target's verdict (``rollup_status``, written with
``indicators.verdicts.judge``); pages read it and never judge again. It is reached through the reverse
relation, so plans imports nothing from indicators. A target with no indicator is tracked by its items.
"""
import re
from collections import defaultdict
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from plans.models import ActionItem, AnnualTarget, Plan, TargetSource

_NOISE = re.compile(r"[\s,。;;、,.:：:!！()()「」“”\"']")
_NUMBERING = re.compile(r"^\s*[0-9]+[.、.]")  # the action table's 「1.」「2、」
TRACKED = "tracked"  # the status filter's value for targets measured by no indicator


def _plain(text: str) -> str:
    return _NOISE.sub("", _NUMBERING.sub("", text or ""))


def item_target_pairs(plan: Plan) -> set[tuple[int, int]]:
    """(item id, target id) for every item whose sentence states the target. Two queries."""
    sources = TargetSource.objects.filter(target__plan=plan, section__endswith="行动计划表").values_list(
        "target_id", "target__year", "text")
    by_year = defaultdict(list)
    for pk, year, text in ActionItem.objects.filter(programme__plan=plan).values_list("id", "year", "text"):
        by_year[year].append((pk, _plain(text)))
    return {(item_id, target_id) for target_id, year, text in sources if _plain(text)
            for item_id, item_text in by_year[year] if _plain(text) in item_text}


def with_verdict(targets: QuerySet) -> QuerySet:
    return targets.select_related("rollup_status__indicator")


def link_states(plan: Plan) -> dict[str, str]:
    """measure → "measured" (an indicator measures it) or "tracked" (linked to none: its items track it);
    a measure missing here is not linked yet. Read through the app registry: plans imports no indicators
    module."""
    from django.apps import apps

    links = apps.get_model("indicators", "TargetLink").objects.filter(plan=plan)
    return {measure: "measured" if indicator else "tracked"
            for measure, indicator in links.values_list("measure", "indicator_id")}


def _verdict(target: AnnualTarget, states: dict[str, str] | None = None) -> AnnualTarget:
    """Sets ``verdict`` (the stored status row or None), ``actual_text`` (the figure as the target writes
    it: 「87.9%」, 「1200万元」) and ``link_state``: without a verdict, a measured target is 尚未汇总, a tracked one
    由行动计划条目跟踪, and one linked to nothing yet 尚未对应指标 — never claimed to be tracked by items."""
    target.link_state = (states or {}).get(target.measure, "unlinked")
    target.verdict = getattr(target, "rollup_status", None)
    actual = target.verdict.actual if target.verdict is not None else None
    if actual is not None:  # stored to 6 places; shown as the indicator is (92.8%, not 92.799343%)
        actual = actual.quantize(Decimal(1).scaleb(-target.verdict.indicator.decimals))
    target.actual_text = target.display_actual(actual)
    return target


def targets_of_item(item: ActionItem) -> list[AnnualTarget]:
    """The targets this item's sentence states, each with its stored verdict."""
    plan = item.programme.plan
    ids = [target for pk, target in item_target_pairs(plan) if pk == item.pk]
    states = link_states(plan)
    return [_verdict(t, states) for t in with_verdict(AnnualTarget.objects.filter(pk__in=ids)).order_by(
        "year", "measure")]


def items_of_target(target: AnnualTarget) -> list[ActionItem]:
    """The items whose sentence states this target (for measured and tracked targets alike)."""
    ids = [pk for pk, target_id in item_target_pairs(target.plan) if target_id == target.pk]
    return list(ActionItem.objects.filter(pk__in=ids).select_related("programme")
                .prefetch_related("departments").order_by("year", "programme__number", "order"))


def status_choices() -> list[tuple[str, str]]:
    """The stored verdict's own vocabulary (达标 / 接近 / 未达标 / 数据未齐 / 无数据), read from the field the
    rollup writes, plus 「由行动计划条目跟踪」 for targets no indicator measures."""
    from django.utils.translation import gettext_lazy as _

    field = AnnualTarget._meta.get_field("rollup_status").related_model._meta.get_field("status")
    return [*field.choices, (TRACKED, _("由行动计划条目跟踪"))]


def targets_listed(*, plan: Plan, year=None, conflict_only=False, programme=None, department=None,
                   status=None) -> list[AnnualTarget]:
    """The yearly targets page: each target with ``items`` (the items that state it), ``programmes`` (of
    those items, or the programme whose goal states it) and its stored verdict; filtered by programme
    number, department id and status. A fixed number of queries."""
    targets = AnnualTarget.objects.filter(plan=plan).prefetch_related(
        Prefetch("sources", queryset=TargetSource.objects.order_by("position")))
    if year:
        targets = targets.filter(year=year)
    if conflict_only:
        targets = targets.filter(conflict=True)
    if status == TRACKED:
        targets = targets.filter(rollup_status__isnull=True)
    elif status:
        targets = targets.filter(rollup_status__status=status)
    states = link_states(plan)
    targets = [_verdict(t, states) for t in with_verdict(targets).order_by("year", "measure")]
    pairs = item_target_pairs(plan)
    items = {i.pk: i for i in ActionItem.objects.filter(pk__in={pk for pk, _ in pairs}).select_related(
        "programme").prefetch_related("departments")}
    by_name = {p.name: p for p in plan.programmes.all()}
    for target in targets:
        target.items = sorted((items[pk] for pk, t in pairs if t == target.pk), key=lambda i: (i.year, i.order))
        found = {i.programme for i in target.items}
        found |= {by_name[s.section] for s in target.sources.all() if s.section in by_name}
        target.programmes = sorted(found, key=lambda p: p.number)
        target.departments = {d for i in target.items for d in i.departments.all()}
    if programme:
        targets = [t for t in targets if any(p.number == programme for p in t.programmes)]
    if department:
        targets = [t for t in targets if any(d.pk == department for d in t.departments)]
    return targets
