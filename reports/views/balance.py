"""「优质均衡创建」: the seven resource indicators per section, their 差异系数, the schools short of the standard
and what each needs, and the verdict per section by year. Bureau staff and leaders see every school; a school
reporter sees the county figures and its own school only; anyone else is refused."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _

from indicators.access import BUREAU
from reports.access import own_school, require_dashboard_role
from reports.selectors.balance import balance_payload


def _year(raw) -> int | None:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


@login_required
def balance(request):
    role = require_dashboard_role(request.user)
    mine = own_school(request.user)
    if role not in BUREAU and mine is None:
        raise PermissionDenied(_("仅限教育局人员、区领导和学校查看"))
    data = balance_payload(year=_year(request.GET.get("year")), own_school=mine)
    columns = list(data["standards"].indicators) if data.get("standards") else []
    for section in data.get("sections", []):
        for school in section.schools:
            school.cells = list(zip(school.results, columns, strict=False))
    return render(request, "reports/balance.html", {"data": data, "columns": columns, "active": "balance"})
