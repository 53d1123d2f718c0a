"""The A4 report: the print page (any dashboard reader) and its server-side PDF (bureau staff, as an export job)."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from edugov.roles import role_of
from indicators.access import BUREAU
from reports.access import require_bureau, require_dashboard_role
from reports.models import ExportKind
from reports.selectors.report import report_page_context
from reports.services import export_job_start
from reports.views.filters import read_filters


@login_required
def print_report(request):
    require_dashboard_role(request.user)
    filters = read_filters(request, breakdowns=False)
    context = report_page_context(plan=filters.plan, year=filters.year, today=timezone.localdate())
    context.update(filters=filters, can_export=role_of(request.user) in BUREAU)
    return render(request, "reports/print.html", context)


@login_required
@require_POST
def start_pdf(request):
    require_bureau(request.user)
    filters = read_filters(request, breakdowns=False)
    job = export_job_start(kind=ExportKind.REPORT, plan=filters.plan, year=filters.year, by=request.user)
    return redirect("reports:export", pk=job.pk)
