"""The filters a bureau expects — plan, year, town/street, school type, public/private — read
from the query string. A bad value is named in a message and the default is used instead."""
from dataclasses import dataclass, field

from django.http import Http404
from django.utils.translation import gettext as _

from indicators.models import Ownership, SchoolType, Town
from plans.models import Plan

BREAKDOWN_PARAMS = [("town", "town"), ("school_type", "school_type"), ("ownership", "ownership")]


@dataclass
class Filters:
    plan: Plan
    year: int
    unit: tuple[str, str] = ("district", "district")
    problems: list[str] = field(default_factory=list)
    values: dict = field(default_factory=dict)


def _year(raw, plan: Plan, problems: list[str]) -> int:
    default = min(max(plan.years), _current_year()) if plan.years else plan.start_year
    if not raw:
        return default
    try:
        year = int(raw)
    except ValueError:
        year = None
    if year not in plan.years:
        problems.append(_("年度 “%(raw)s” 不在方案年度 %(start)s–%(end)s 内,已显示 %(default)s 年") % {
            "raw": raw, "start": plan.start_year, "end": plan.end_year, "default": default})
        return default
    return year


def _current_year() -> int:
    from django.utils import timezone

    return timezone.localdate().year


def read_filters(request, *, breakdowns: bool = True, prefer=None) -> Filters:
    """``prefer``: plans to choose from first when the query names none (an indicator page picks
    the newest plan that has a target measured by that indicator, not merely the newest plan)."""
    plans = Plan.objects.order_by("-start_year", "-id")
    raw_plan = request.GET.get("plan")
    problems: list[str] = []
    plan = plans.filter(key=raw_plan).first() if raw_plan else None
    if plan is None and prefer is not None:
        plan = plans.filter(pk__in=prefer).first()
    plan = plan or plans.first()
    if plan is None:
        raise Http404(_("尚未导入实施方案"))
    if raw_plan and plan.key != raw_plan:
        problems.append(_("没有标识为 “%(raw)s” 的实施方案,已显示「%(title)s」") % {
            "raw": raw_plan, "title": plan.title})
    year = _year(request.GET.get("year"), plan, problems)
    filters = Filters(plan=plan, year=year, problems=problems, values={"plan": plan.key, "year": year})
    if breakdowns:
        _unit(request, filters)
    return filters


def _unit(request, filters: Filters) -> None:
    valid = {"town": set(Town.objects.values_list("code", flat=True)), "school_type": set(SchoolType.values),
             "ownership": set(Ownership.values)}
    chosen = [(level, request.GET[param]) for param, level in BREAKDOWN_PARAMS if request.GET.get(param)]
    for level, key in chosen:
        if key not in valid[level]:
            filters.problems.append(_("筛选条件取值 “%(key)s” 无效,已忽略") % {"key": key})
    chosen = [(level, key) for level, key in chosen if key in valid[level]]
    if len(chosen) > 1:
        filters.problems.append(_("一次只能按一个维度筛选(镇/街道、学校类型或办学性质),已使用第一个"))
    if chosen:
        filters.unit = chosen[0]
        filters.values[dict((lvl, p) for p, lvl in BREAKDOWN_PARAMS)[chosen[0][0]]] = chosen[0][1]


def filter_choices() -> dict:
    return {"towns": list(Town.objects.order_by("code").values_list("code", "name")),
            "school_types": SchoolType.choices, "ownerships": Ownership.choices}
