"""「对应指标」: a bureau admin links a plan's target (all its years, by measure) to one of the bureau's
indicators, or to none (tracked by its action items). The page shows each indicator's formula in element names
and the plans that already use it; the rules are target_link_save's."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from edugov.roles import is_bureau_admin
from indicators.forms_links import NONE, TargetLinkForm
from indicators.selectors.links import indicator_choices, link_of, targets_of_measure
from indicators.services.links import target_link_save
from plans.context import plan_for_request


@login_required
def target_link(request, measure: str):
    if not is_bureau_admin(request.user):
        raise PermissionDenied(_("只有教体局管理员可以设置目标对应的指标"))
    plan = plan_for_request(request)
    targets = targets_of_measure(plan=plan, measure=measure)
    if not targets:
        raise Http404(_("方案中没有目标代码「%(measure)s」") % {"measure": measure[:64]})
    link = link_of(plan=plan, measure=measure)
    indicators = indicator_choices(plan=plan, measure=measure, name=targets[0].name)
    form = TargetLinkForm(request.POST or None, indicators=indicators, initial=_initial(link))
    if request.method == "POST" and form.is_valid() and _save(request, plan, measure, form):
        messages.success(request, _("已保存目标与指标的对应,已排队汇总;汇总完成后显示达标情况"))
        return redirect(f"{reverse('plans:targets')}?plan={plan.key}#target-{targets[-1].pk}")
    context = {"plan": plan, "measure": measure, "target": targets[0], "targets": targets, "link": link,
               "indicators": indicators, "form": form, "none": NONE}
    return render(request, "indicators/target_link.html", context, status=400 if form.errors else 200)


def _initial(link) -> dict:
    if link is None:
        return {"scope": "district", "match": "exact", "tolerance": 0}
    return {"indicator": str(link.indicator_id) if link.indicator_id else NONE, "scope": link.scope,
            "match": link.match, "tolerance": f"{link.tolerance.normalize():f}", "match_note": link.match_note,
            "note": link.note}


def _save(request, plan, measure, form) -> bool:
    data = form.cleaned_data
    try:
        target_link_save(plan=plan, measure=measure, by=request.user, indicator=form.chosen_indicator(),
                         tolerance=data["tolerance"], scope=data["scope"], match=data["match"],
                         match_note=data["match_note"], note=data["note"])
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return False
    return True
