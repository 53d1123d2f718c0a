"""Meeting mode. Bureau admins and reviewers freeze the figures for a meeting (the slides then draw only the
frozen payload); anyone who reads the bureau's dashboards, leaders included, can also present the live
figures (现场数据) without freezing: leaders are read-only, and presenting changes nothing."""
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import Indicator
from reports import meeting_figures
from reports.access import get_snapshot_for_user, require_bureau, require_freezer
from reports.models import MeetingSnapshot
from reports.selectors.meeting import default_meeting_title, snapshot_meeting_payload, town_scope_indicators
from reports.services import snapshot_freeze, snapshot_payload
from reports.slides import as_of_text, date_text, meeting_slides
from reports.views.filters import read_filters

CLAUSE = re.compile(r".+?(?:,(?!\d)|$)")


@login_required
def meetings(request):
    require_bureau(request.user)
    filters = read_filters(request, breakdowns=False)
    errors = {}
    if request.method == "POST":
        require_freezer(request.user)
        try:
            snapshot = snapshot_freeze(plan=filters.plan, year=_int(request.POST.get("year")),
                                       title=request.POST.get("title", ""),
                                       indicator_codes=request.POST.getlist("indicators"), by=request.user)
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            messages.success(request, _("已冻结会议数据"))
            return redirect("reports:meeting", pk=snapshot.pk)
    return render(request, "reports/meetings.html", {
        "snapshots": MeetingSnapshot.objects.select_related("plan", "frozen_by")[:100], "filters": filters,
        "indicators": Indicator.objects.order_by("code"), "errors": errors, "posted": request.POST,
        "can_freeze": _can_freeze(request.user),
        "default_title": default_meeting_title(filters.plan, filters.year),
    }, status=400 if errors else 200)


def _can_freeze(user) -> bool:
    try:
        require_freezer(user)
    except PermissionDenied:
        return False
    return True


def _int(raw):
    try:
        return int(raw)
    except (TypeError, ValueError):
        return -1


def _with_figures(slides: list[dict]) -> list[dict]:
    """The Plotly figure of each chart slide, sized for the projector."""
    for slide in slides:
        # a headline breaks at its commas, never between a status symbol and its word or inside 「目标≥85%」
        slide["clauses"] = CLAUSE.findall(slide["title"])  # 「1,234所」 is one clause
        figure = None
        if slide["kind"] == "target" and slide["trend"]:
            figure = meeting_figures.trend(slide["trend"])
        elif slide["kind"] == "towns":
            card = slide["card"]
            figure = meeting_figures.towns(slide["rows"], unit=card["unit"], decimals=card["decimals"],
                                           goal=slide["goal"])
        elif slide["kind"] == "heatmap":
            figure = meeting_figures.heatmap(slide["heatmap"])
        if figure is not None:
            slide.update(figure=figure, id=f"slide-{slide['number']}-chart", data_id=f"slide-{slide['number']}-data")
    return slides


def _render(request, *, payload: dict, title: str, day, snapshot=None):
    slides = meeting_slides(payload, title=title, date_text=date_text(day),
                            as_of_text=as_of_text(payload.get("data_as_of")), live=snapshot is None)
    return render(request, "reports/meeting.html", {
        "snapshot": snapshot, "title": title, "slides": _with_figures(slides),
        "as_of": as_of_text(payload.get("data_as_of"))})


@login_required
def meeting(request, pk: int):
    snapshot = get_snapshot_for_user(request.user, pk)
    return _render(request, payload=snapshot_meeting_payload(snapshot), title=snapshot.title,
                   day=timezone.localdate(snapshot.frozen_at),
                   snapshot=snapshot)


@login_required
def meeting_live(request):
    """现场数据: any bureau reader, leaders included, presents today's approved figures; nothing is frozen."""
    require_bureau(request.user)
    filters = read_filters(request, breakdowns=False)
    payload = snapshot_payload(plan=filters.plan, year=filters.year,
                               indicators=town_scope_indicators(filters.plan, filters.year))
    title = _("%(title)s(现场数据)") % {"title": default_meeting_title(filters.plan, filters.year)}
    return _render(request, payload=payload, title=title, day=timezone.localdate())
