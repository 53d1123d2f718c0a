"""One department's scorecard across every plan: its 逾期未完成 / 滞后 / 已完成 counts per plan."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from reports.access import get_department_for_user
from reports.selectors.actions import department_across_plans


@login_required
def department(request, pk: int):
    found = get_department_for_user(request.user, pk)
    data = department_across_plans(department=found, today=timezone.localdate())
    return render(request, "reports/department.html", {"data": data})
