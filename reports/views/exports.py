"""Exports: the workbook and the deck run as Celery jobs; the job page polls their status."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from reports.access import get_export_for_user, get_snapshot_for_user, require_bureau
from reports.models import ExportKind, ExportStatus
from reports.services import export_download_name, export_job_start
from reports.views.filters import read_filters


@login_required
@require_POST
def start_workbook(request):
    require_bureau(request.user)
    filters = read_filters(request, breakdowns=False)
    job = export_job_start(kind=ExportKind.WORKBOOK, plan=filters.plan, year=filters.year, by=request.user)
    return redirect("reports:export", pk=job.pk)


@login_required
@require_POST
def start_deck(request, pk: int):
    snapshot = get_snapshot_for_user(request.user, pk)
    try:
        job = export_job_start(kind=ExportKind.DECK, plan=snapshot.plan, year=snapshot.year, by=request.user,
                               snapshot=snapshot)
    except ValidationError as exc:
        return HttpResponseBadRequest("; ".join(exc.messages))
    return redirect("reports:export", pk=job.pk)


def _status(job) -> dict:
    done = job.status == ExportStatus.DONE
    return {"id": job.pk, "status": job.status, "label": str(job.get_status_display()), "error": job.error,
            "download": reverse("reports:export_download", args=[job.pk]) if done else None}


@login_required
def export(request, pk: int):
    job = get_export_for_user(request.user, pk)
    return render(request, "reports/export.html", {"job": job, "status": _status(job)})


@login_required
def export_status(request, pk: int):
    return JsonResponse(_status(get_export_for_user(request.user, pk)))


@login_required
def export_download(request, pk: int):
    job = get_export_for_user(request.user, pk)
    if job.status != ExportStatus.DONE or not job.file:
        raise Http404
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=export_download_name(job))
