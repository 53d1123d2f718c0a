"""A plan's lifecycle: archiving it (read-only, still shown) and revising a target mid-plan (the old goal kept,
with the reason and the revising document). Bureau admins only; the rules are the services'."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from edugov.roles import is_bureau_admin
from plans.context import plan_for_request, use_plan
from plans.forms import TargetRevisionForm
from plans.models import AnnualTarget
from plans.services.targets import plan_set_archived, target_revise


def _target_for_admin(user, pk) -> AnnualTarget:
    if not is_bureau_admin(user):
        raise PermissionDenied(_("只有教体局管理员可以修订目标"))
    target = AnnualTarget.objects.select_related("plan").filter(pk=pk).first()
    if target is None:
        raise Http404(_("没有这个年度目标"))
    return target


@login_required
def target_revise_page(request, pk: int):
    target = _target_for_admin(request.user, pk)
    use_plan(request, target.plan)
    form = TargetRevisionForm(request.POST or None, initial={
        "comparator": target.comparator, "value": target.value, "low": target.low, "high": target.high})
    if request.method == "POST" and form.is_valid():
        try:
            target_revise(target=target, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("目标已修订,原目标值已保留"))
            return redirect(f"{reverse('plans:targets')}?plan={target.plan.key}&year={target.year}#target-{target.pk}")
    revisions = target.revisions.select_related("by")
    return render(request, "plans/target_revise.html", {"target": target, "plan": target.plan, "form": form,
                                                        "revisions": revisions},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def plan_archive(request):
    plan = plan_for_request(request)
    archived = request.POST.get("archived") == "1"
    plan_set_archived(plan=plan, by=request.user, archived=archived)
    messages.success(request, _("方案已归档,只可查看") if archived else _("方案已恢复,可以继续更新"))
    return redirect(f"{reverse('plans:overview')}?plan={plan.key}")
