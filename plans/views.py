from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edugov.models import Role
from edugov.roles import is_bureau_admin, profile_of, role_of
from plans import selectors
from plans.access import (
    can_read_evidence,
    can_update_item,
    get_department_for_user,
    get_evidence_for_user,
    get_item_for_user,
    get_item_rw,
)
from plans.context import plan_for_request, use_plan
from plans.forms import ItemFilterForm, ProgressForm
from plans.forms_targets import TargetFilterForm
from plans.models import ItemStatus, TargetSource
from plans.selectors_targets import targets_listed, targets_of_item
from plans.services.progress import HISTORY_ORDER, action_item_record_progress
from plans.services.targets import target_resolve_conflict


def _plan_or_404(request):
    return plan_for_request(request)  # ?plan=, the remembered plan, or the default (plans.context)


def _require_role(request):
    if role_of(request.user) is None:
        raise PermissionDenied


@login_required
def overview(request):
    _require_role(request)
    plan = _plan_or_404(request)
    items = selectors.items_filtered(plan=plan)
    context = {
        "plan": plan,
        "programmes": selectors.programmes_with_progress(plan),
        "counts": selectors.status_counts(items),
        "overdue_total": selectors.overdue_count(items, timezone.localdate()),
        "item_total": items.count(),
        "target_total": plan.targets.count(),
        "conflict_total": plan.targets.filter(conflict=True, conflict_resolved=False).count(),
        "statuses": ItemStatus.choices,
    }
    return render(request, "plans/overview.html", context)


@login_required
def mine(request):
    """A department's home: its overdue items first, then this year's."""
    department = get_department_for_user(request.user)
    plan = _plan_or_404(request)
    tasks = selectors.department_tasks(plan=plan, department=department, today=timezone.localdate())
    return render(request, "plans/mine.html", {"plan": plan, "department": department, **tasks})


@login_required
def programme(request, number: int):
    _require_role(request)
    plan = _plan_or_404(request)
    prog = selectors.programme_detail(plan, number)
    if prog is None:
        raise Http404
    items = selectors.items_filtered(plan=plan, programme=number, today=timezone.localdate())
    context = {"plan": plan, "programme": prog, "items": items, "targets": selectors.targets_of_programme(prog)}
    return render(request, "plans/programme.html", context)


@login_required
def items(request):
    _require_role(request)
    plan = _plan_or_404(request)
    params = request.GET.copy()
    if "department" not in params and role_of(request.user) == Role.DEPARTMENT_STAFF:
        # a department starts on its own items; choosing 「全部」 sends department= and shows every one
        params["department"] = str(profile_of(request.user).department_id)
    form = ItemFilterForm(params or None)
    filters = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    found = selectors.items_filtered(plan=plan, today=today, **{k: v for k, v in filters.items() if v})
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "plan": plan, "page": page, "filters": filters, "counts": selectors.status_counts(found),
        "overdue_total": selectors.overdue_count(found, today),
        "total": page.paginator.count, "departments": selectors.departments_of(plan),
        "programmes": plan.programmes.order_by("number"), "years": plan.years, "statuses": ItemStatus.choices,
        "query": query.urlencode(), "form_errors": form.errors if form.is_bound else {},
    }
    return render(request, "plans/items.html", context)


@login_required
def item(request, pk: int):
    item = get_item_for_user(request.user, pk)
    use_plan(request, item.programme.plan)  # the header names the item's plan, whatever was remembered
    form = None
    if request.method == "POST":
        item = get_item_rw(request.user, pk)
        form = ProgressForm(request.POST, request.FILES)
        if form.is_valid() and _record(request, item, form):
            messages.success(request, _("进展已保存"))
            return redirect("plans:item", pk=item.pk)
    elif item.programme.plan.archived:
        messages.info(request, _("「%(plan)s」已归档,只可查看,不能再更新进展") % {"plan": item.programme.plan.title})
    elif can_update_item(request.user, item):
        form = ProgressForm(initial={"status": item.status, "progress": item.progress, "on_date": timezone.localdate()})
    updates = item.updates.order_by(*HISTORY_ORDER).select_related("by").prefetch_related("evidence")
    context = {"item": item, "plan": item.programme.plan, "form": form, "updates": updates,
               "targets": targets_of_item(item), "overdue": item.is_overdue(timezone.localdate()),
               "can_read_evidence": can_read_evidence(request.user, item)}
    return render(request, "plans/item.html", context)


def _record(request, item, form) -> bool:
    data = form.cleaned_data
    try:
        action_item_record_progress(
            item=item, by=request.user, status=data["status"], progress=data["progress"], note=data["note"],
            on_date=data["on_date"], files=data["files"],
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return False
    return True


@login_required
def evidence(request, pk: int):
    # Served only through here (MEDIA_ROOT has no public URL): a download, typed from the checked extension.
    file = get_evidence_for_user(request.user, pk)
    response = FileResponse(file.file.open("rb"), as_attachment=True, filename=file.original_name,
                            content_type=file.download_type())
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def targets(request):
    _require_role(request)
    plan = _plan_or_404(request)
    year = request.GET.get("year")
    year = int(year) if year and year.isdecimal() and len(year) <= 4 else None  # 2050, not 10**20 (no 500)
    conflict_only = request.GET.get("conflict") == "1"
    filters = TargetFilterForm(request.GET, plan=plan)
    found = selectors.with_conflict_reasons(targets_listed(plan=plan, year=year, conflict_only=conflict_only,
                                                           **filters.chosen()))
    context = {
        "plan": plan, "targets": found, "year": year, "years": plan.years, "conflict_only": conflict_only,
        "can_resolve": is_bureau_admin(request.user), "filters": filters,
    }
    return render(request, "plans/targets.html", context)


@login_required
@require_POST
def resolve_conflict(request, pk: int):
    source = TargetSource.objects.select_related("target").filter(pk=pk).first()
    if source is None:
        raise Http404
    target_resolve_conflict(target=source.target, source=source, by=request.user)
    messages.success(request, _("已采用所选出处的目标值"))
    return redirect(f"{reverse('plans:targets')}?plan={source.target.plan.key}&year={source.target.year}")
