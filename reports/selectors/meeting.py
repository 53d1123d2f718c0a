"""What meeting mode reads besides the overview: the programme (工程) each target belongs to, the bureau's
name and the action plan as plain data (overdue items by department, the department × year heatmap).
Everything here is JSON-ready, so a frozen snapshot carries it and its slides do not move."""
import re
from collections import Counter, defaultdict

from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import District, TargetLink
from plans.models import ActionItem, AnnualTarget, ItemStatus, Plan, Programme, TargetSource
from reports import naming
from reports.selectors.actions import OVERDUE_SHOWN, actions_payload

PUNCTUATION = " \t\n。;;,,."
ENUMERATOR = re.compile(r"^[0-9一二三四五六七八九十]+[.、.]")


def programmes_of_measures(plan: Plan) -> dict[str, dict]:
    """measure → {"number", "name"}. Targets do not store their programme: a target belongs to the programme
    whose section states it (「实施学前教育普及普惠优质发展工程」), or whose action item of the same year
    contains its sentence (the yearly action tables). The most frequent programme wins, a tie the lower number;
    a measure stated only in the overall goals has none."""
    programmes = {p.name: p for p in Programme.objects.filter(plan=plan)}
    items = defaultdict(list)
    for year, text, number in ActionItem.objects.filter(programme__plan=plan).values_list(
            "year", "text", "programme__number"):
        items[year].append((text, number))
    votes: dict[str, Counter] = defaultdict(Counter)
    sources = TargetSource.objects.filter(target__plan=plan).values_list(
        "target__measure", "target__year", "section", "text")
    for measure, year, section, text in sources:
        number = programmes[section].number if section in programmes else _item_programme(items[year], text)
        if number is not None:
            votes[measure][number] += 1
    names = {p.number: p.name for p in programmes.values()}
    return {measure: {"number": number, "name": names[number]}
            for measure, counted in votes.items() for number in [min(counted, key=lambda n: (-counted[n], n))]}


def _item_programme(items: list[tuple[str, int]], sentence: str) -> int | None:
    sentence = ENUMERATOR.sub("", (sentence or "").strip(PUNCTUATION))  # 「1.新建幼儿园1所。」
    if len(sentence) < 4:
        return None
    return next((number for text, number in items if sentence in text), None)


def bureau_name(plan: Plan) -> str:
    """「东胜区教育体育局」: the district the plan's figures are for, with the bureau's title."""
    district = District.objects.order_by("id").first()
    if district is not None:
        return _("%(district)s教育体育局") % {"district": district.name}
    return "、".join(plan.issuers or [])


def default_meeting_title(plan: Plan, year: int) -> str:
    """「2022年度教育现代化推进会」, from the plan's own title (reports.naming)."""
    district = District.objects.order_by("id").values_list("name", flat=True).first() or ""
    return naming.meeting_title(plan_title=plan.title, place=district, year=year)


def town_scope_indicators(plan: Plan, year: int) -> list:
    """Indicators whose target this year applies to towns too: the ones whose town bars carry a verdict."""
    measures = AnnualTarget.objects.filter(plan=plan, year=year).values("measure")
    links = (TargetLink.objects.filter(plan=plan, scope__in=["town", "school"], indicator__isnull=False,
                                       measure__in=measures).select_related("indicator").order_by("id"))
    return list(dict.fromkeys(link.indicator for link in links))


def meeting_actions(*, plan: Plan, today) -> dict:
    """The action plan for the slides: the heatmap, overdue (逾期未完成) counts by department and the items."""
    data = actions_payload(plan=plan, today=today, with_items=False)
    departments = sorted(({"department": c["department"], "overdue": c["overdue"], "delayed": c["delayed"],
                           "total": c["total"]} for c in data["scorecards"] if c["overdue"]),
                         key=lambda c: -c["overdue"])
    return {
        "as_of": today.isoformat(), "total": data["total"], "done": data["done"],
        "overdue_total": data["overdue_total"], "delayed_total": data["delayed_total"],
        "heatmap": data["heatmap"], "departments": departments, "overdue": _overdue_items(plan, today),
    }


def _overdue_items(plan: Plan, today) -> list[dict]:
    """The overdue items as plain data (departments in their prefetch order, by id): one query, a row per department."""
    rows = (ActionItem.objects.filter(ActionItem.overdue_q(today), programme__plan=plan)
            .values("id", "year", "programme__number", "order", "text", "status", "departments__name")
            .order_by("year", "programme__number", "order", "id", "departments__id"))
    items: dict[int, dict] = {}
    for row in rows:
        item = items.get(row["id"])
        if item is None:
            if len(items) == OVERDUE_SHOWN:
                break
            item = items[row["id"]] = {
                "year": row["year"], "programme": row["programme__number"], "order": row["order"],
                "text": row["text"], "status": row["status"], "status_label": str(ItemStatus(row["status"]).label),
                "departments": []}
        if row["departments__name"]:
            item["departments"].append(row["departments__name"])
    return list(items.values())


def meeting_extras(*, plan: Plan, today) -> dict:
    """The keys a meeting payload adds to the overview's: frozen with the figures."""
    return {"programmes": programmes_of_measures(plan), "bureau": bureau_name(plan),
            "actions": meeting_actions(plan=plan, today=today)}


def snapshot_meeting_payload(snapshot) -> dict:
    """A snapshot's payload with the meeting keys; one frozen before they existed reads them now, as of the
    day it was frozen."""
    if "actions" in snapshot.payload:
        return snapshot.payload
    return {**snapshot.payload, **meeting_extras(plan=snapshot.plan, today=timezone.localdate(snapshot.frozen_at))}
