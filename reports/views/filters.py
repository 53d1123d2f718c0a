"""The filters a bureau expects — plan, year, town/street, school type, public/private — read
from the query string. A bad value is named in a message and the default is used instead."""
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from indicators.models import Ownership, SchoolType, Town
from plans.context import plan_for_request, plans_of_request, use_plan
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


def read_filters(request, *, breakdowns: bool = True, prefer=None, remember: bool = True) -> Filters:
    """The plan is the request's (plans.context: ?plan=, else the remembered one, else the default; an unknown
    ?plan= is a 404). ``prefer``: plans measuring what the page shows; when the query names no plan and the
    request's plan is not among them, the newest of them is shown instead (an indicator page without ?plan=
    opens on a plan that measures it, not on an empty one)."""
    plan = plan_for_request(request, remember=remember)
    if prefer is not None and not request.GET.get("plan"):
        measuring = {row["plan"] for row in prefer}
        preferred = [p for p in plans_of_request(request) if p.pk in measuring]
        if preferred and plan.pk not in measuring:
            plan = max(preferred, key=lambda p: (p.start_year, p.pk))
            use_plan(request, plan)
    problems: list[str] = []
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
    chosen = dict((level, key) for level, key in chosen if key in valid[level])
    if "town" in chosen and "ownership" in chosen:  # stored: town × type and ownership × type, not town × ownership
        filters.problems.append(_("镇/街道与办学性质不能同时筛选,已只按镇/街道筛选"))
        chosen.pop("ownership")
    param_of = {level: param for param, level in BREAKDOWN_PARAMS}
    for level, key in chosen.items():
        filters.values[param_of[level]] = key
    if len(chosen) == 2:  # a cross-breakdown: 「某镇的幼儿园」, 「民办幼儿园」
        first = "town" if "town" in chosen else "ownership"
        filters.unit = (f"{first}_type", f"{chosen[first]}/{chosen['school_type']}")
    elif chosen:
        filters.unit = next(iter(chosen.items()))


def filter_choices() -> dict:
    return {"towns": list(Town.objects.order_by("code").values_list("code", "name")),
            "school_types": SchoolType.choices, "ownerships": Ownership.choices}
