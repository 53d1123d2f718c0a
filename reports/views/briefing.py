"""The briefing (汇报材料) of a frozen meeting: read on the page, downloaded as a Word file."""
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.encoding import escape_uri_path

from reports.access import get_snapshot_for_user
from reports.briefing import build_briefing, heading
from reports.exports.briefing_docx import build_briefing_docx

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _briefing(snapshot):
    return build_briefing(payload=snapshot.payload, title=f"{snapshot.title}汇报材料")


@login_required
def briefing(request, pk: int):
    snapshot = get_snapshot_for_user(request.user, pk)
    text = _briefing(snapshot)
    sections = [{"heading": heading(i, s.heading), "paragraphs": s.paragraphs} for i, s in enumerate(text.sections)]
    return render(request, "reports/briefing.html", {"snapshot": snapshot, "briefing": text, "sections": sections})


@login_required
def briefing_docx(request, pk: int):
    snapshot = get_snapshot_for_user(request.user, pk)
    response = HttpResponse(build_briefing_docx(_briefing(snapshot)), content_type=DOCX)
    name = f"{snapshot.title}汇报材料.docx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(name)}"
    return response
