"""Plans compared: each plan's target statuses side by side (reports.selectors.compare)."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from reports.access import require_dashboard_role
from reports.formatting import STATUS_LABELS, STATUS_SYMBOLS
from reports.selectors.compare import STATUSES, plans_compared


@login_required
def compare(request):
    require_dashboard_role(request.user)
    columns = [(s, STATUS_SYMBOLS[s], STATUS_LABELS[s]) for s in STATUSES]
    return render(request, "reports/compare.html", {"rows": plans_compared(), "columns": columns})
