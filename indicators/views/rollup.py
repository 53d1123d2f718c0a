from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edugov.models import Role
from edugov.roles import role_of
from indicators.access import BUREAU
from indicators.models import RollupRun
from indicators.selectors.collection import open_years
from indicators.services.rollup import rollup_schedule


@login_required
def runs(request):
    if role_of(request.user) not in BUREAU:
        raise PermissionDenied
    context = {"runs": RollupRun.objects.order_by("-id")[:50], "can_run": role_of(request.user) == Role.BUREAU_ADMIN,
               "years": open_years()}
    return render(request, "indicators/rollup_runs.html", context)


@login_required
@require_POST
def run_now(request):
    if role_of(request.user) != Role.BUREAU_ADMIN:
        raise PermissionDenied
    for year in open_years():
        rollup_schedule(year=year, trigger="manual")
    messages.success(request, _("已排队汇总"))
    return redirect("indicators:rollup_runs")
