"""Leader overview, indicator page, a school's history, action items and collection.
Views stay thin: access, one selector, figures, render."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from indicators.models import (
    Indicator,
    Level,
    ReportingPeriod,
    School,
    TargetScope,
)
from indicators.rollup.school_values import school_values
from indicators.selectors.collection import PROGRESS_LABELS, period_completeness
from reports import figures
from reports.access import (
    get_school_code_for_user,
    listable_school_codes,
    own_school,
    require_bureau,
    require_dashboard_role,
)
from reports.cache import cached_body
from reports.formatting import summary_line
from reports.selectors.actions import actions_payload
from reports.selectors.indicator import indicator_payload, school_history
from reports.selectors.overview import overview_payload
from reports.views.filters import filter_choices, read_filters


def _charts(*pairs) -> list[dict]:
    """[(dom id, figure dict)…] for the page's json_script tags."""
    return [{"id": pair[0], "data_id": f"{pair[0]}-data", "figure": pair[1]} for pair in pairs if pair and pair[1]]


@login_required
def overview(request):
    require_dashboard_role(request.user)
    filters = read_filters(request)
    body = cached_body(request, "reports/_overview_body.html", lambda: render_to_string(
        "reports/_overview_body.html", _overview_context(filters), request=request))
    # the body holds no form token or message, so one user's cached body is safe to show another of the same scope
    return render(request, "reports/overview.html", {"body": mark_safe(body), "filters": filters})  # noqa: S308


def _overview_context(filters) -> dict:
    data = overview_payload(plan=filters.plan, year=filters.year, unit=filters.unit)
    progress = data["progress"]
    trend_charts = _charts(*((f"trend-{t['indicator']}", figures.trend_figure(t, height=260)) for t in data["trends"]))
    for chart, trend in zip(trend_charts, data["trends"], strict=True):
        chart["indicator"] = trend["indicator"]
    progress_charts = _charts(
        ("progress-programmes", figures.progress_figure(progress["programmes"], title=_("各工程行动计划完成率"))),
        ("progress-departments", figures.progress_figure(progress["departments"], title=_("各责任部门完成率"))),
    )
    return {"data": data, "summary": summary_line(data), "filters": filters, "trend_charts": trend_charts,
            "progress_charts": progress_charts, "choices": filter_choices(),
            "charts": trend_charts + progress_charts}


@login_required
def indicator(request, code: str):
    require_dashboard_role(request.user)
    item = get_object_or_404(Indicator, code=code)
    filters = read_filters(request, breakdowns=False, prefer=item.links.values("plan"))
    body = cached_body(request, "reports/_indicator_body.html", lambda: render_to_string(
        "reports/_indicator_body.html", _indicator_context(request.user, filters, item), request=request))
    return render(request, "reports/indicator.html", {"body": mark_safe(body), "indicator": item})  # noqa: S308


def _indicator_context(user, filters, item) -> dict:
    codes = listable_school_codes(user)
    data = indicator_payload(plan=filters.plan, indicator=item, year=filters.year, school_codes=codes,
                             with_schools=codes != set())
    unit, decimals, goal, scope = item.unit, item.decimals, data["goal"], data["scope"]
    # a goal is drawn only over the units it applies to: 「市级示范园32所」 is no line for one town
    town_goal = goal if scope in ("town", "school") else None
    school_goal = goal if scope == "school" else None
    towns, types = data["breakdowns"]["town"], data["breakdowns"]["school_type"]
    charts = _charts(
        ("trend", figures.trend_figure(data["trend"], title=_("实际与目标(全区)"))),
        # a breakdown with fewer than two groups holding a figure (a district-only figure) is not drawn
        ("by-town", figures.breakdown_figure(towns, title=_("按镇/街道"), unit=unit, decimals=decimals,
                                             goal=town_goal) if _drawable(towns) else None),
        ("by-type", figures.breakdown_figure(types, title=_("按学校类型"), unit=unit, decimals=decimals,
                                             goal=school_goal) if _drawable(types) else None),
        # a count is 0 or 1 per school: its spread says nothing
        ("spread", figures.spread_figure(data["spread"], title=_("学校间分布"), unit=unit, goal=school_goal)
         if data.get("spread") and not item.is_partial_sum else None),
    )
    mine = own_school(user)
    own = next(iter(school_values(indicators=[item], years=[filters.year], schools=[mine])), None) if mine else None
    return {"data": data, "filters": filters, "charts": charts, "own_school": mine, "own_value": own,
            "lists_allowed": codes != set(), "levels": dict(Level.choices), "scopes": dict(TargetScope.choices)}


def _drawable(rows) -> bool:
    return sum(1 for r in rows if r["value"] is not None) >= 2


@login_required
def school(request, code: str):
    code = get_school_code_for_user(request.user, code)
    filters = read_filters(request, breakdowns=False)
    return render(request, "reports/school.html", {
        "school": School.objects.select_related("town").get(code=code), "filters": filters,
        "rows": school_history(school_code=code, years=filters.plan.years)})


@login_required
def actions(request):
    require_dashboard_role(request.user)
    filters = read_filters(request, breakdowns=False)
    data = actions_payload(plan=filters.plan, today=timezone.localdate())
    charts = _charts(("heatmap", figures.heatmap_figure(data["heatmap"], title=_("各部门各年度行动计划完成率"))))
    return render(request, "reports/actions.html", {"data": data, "filters": filters, "charts": charts})


@login_required
def collection(request):
    require_bureau(request.user)
    periods = list(ReportingPeriod.objects.select_related("dataset").order_by("-year", "-semester", "dataset__code"))
    # by default the newest open schools' form: the bureau's own 区级基础数据 is one form, not a collection
    period = next((p for p in periods if str(p.pk) == request.GET.get("period")), None) or next(
        (p for p in periods if not p.closed and not p.dataset.is_district_level),
        next((p for p in periods if not p.closed), periods[0] if periods else None))
    data = period_completeness(period=period) if period else None
    charts = _charts(
        ("by-town", figures.completeness_figure(data["by_town"], label_key="town", title=_("各镇/街道填报进度")))
        if data else None,
        ("by-type", figures.completeness_figure(data["by_type"], label_key="label", title=_("各类学校填报进度")))
        if data else None,
    )
    statuses = PROGRESS_LABELS
    return render(request, "reports/collection.html", {"periods": periods, "period": period, "data": data,
                                                       "charts": charts, "statuses": statuses})
