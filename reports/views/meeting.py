"""Meeting mode: bureau staff freeze the figures; the slide show draws only the frozen payload."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from indicators.models import Indicator
from reports import figures
from reports.access import get_snapshot_for_user, require_bureau, require_freezer
from reports.formatting import summary_line
from reports.models import MeetingSnapshot
from reports.services import snapshot_freeze
from reports.views.filters import read_filters


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
    }, status=400 if errors else 200)


def _int(raw):
    try:
        return int(raw)
    except (TypeError, ValueError):
        return -1


def _chart_slide(title: str, dom_id: str, figure: dict) -> dict:
    return {"kind": "chart", "title": title, "id": dom_id, "data_id": f"{dom_id}-data", "figure": figure}


def slides_for(payload: dict) -> list[dict]:
    """One chart a slide: the summary, each target's trend, then each chosen indicator's breakdown."""
    overview = payload["overview"]
    slides = [{"kind": "summary", "title": summary_line(overview), "cards": overview["cards"]}]
    for trend in overview["trends"]:
        slides.append(_chart_slide(trend["name"], f"slide-trend-{trend['indicator']}",
                                   figures.for_projector(figures.trend_figure(trend, title="", height=560))))
    for chosen in payload["indicators"]:
        ind = chosen["indicator"]
        goal = chosen["goal"] if chosen.get("scope") in ("town", "school") else None  # the target's own levels
        figure = figures.breakdown_figure(chosen["breakdowns"]["town"], title="", unit=ind["unit"],
                                          decimals=ind["decimals"], goal=goal, height=560)
        slides.append(_chart_slide(f"{ind['name']} · {_('按镇/街道')}", f"slide-town-{ind['code']}",
                                   figures.for_projector(figure)))
    return slides


@login_required
def meeting(request, pk: int):
    snapshot = get_snapshot_for_user(request.user, pk)
    return render(request, "reports/meeting.html", {"snapshot": snapshot, "slides": slides_for(snapshot.payload)})
