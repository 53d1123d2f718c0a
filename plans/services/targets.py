from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from edugov.roles import is_bureau_admin
from plans.models import AnnualTarget, Comparator, Plan, TargetRevision, TargetSource
from plans.services.progress import refuse_if_archived


def target_resolve_conflict(*, target: AnnualTarget, source: TargetSource, by) -> AnnualTarget:
    """The bureau decides which of the document's contradictory statements counts."""
    if not is_bureau_admin(by):
        raise PermissionDenied("只有教体局管理员可以处理目标冲突")
    if source.target_id != target.pk:
        raise ValidationError({"source": "该出处不属于此目标"})
    with transaction.atomic():
        target.sources.update(chosen=False)
        TargetSource.objects.filter(pk=source.pk).update(chosen=True)
        for field in ("comparator", "value", "low", "high", "approximate"):
            setattr(target, field, getattr(source, field))
        target.conflict_resolved = True
        target.save()
    return target


def target_revise(*, target: AnnualTarget, by, comparator: str, value=None, low=None, high=None, reason: str,
                  document: str) -> TargetRevision:
    """A mid-plan change of a target's goal (a later document revised it): the old numbers are kept in a
    TargetRevision with the reason and the document; the next rollup judges against the new goal."""
    if not is_bureau_admin(by):
        raise PermissionDenied(_("只有教体局管理员可以修订目标"))
    refuse_if_archived(target.plan)
    errors = _revision_problems(comparator, value, low, high, reason, document)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        target = AnnualTarget.objects.select_for_update().get(pk=target.pk)
        revision = TargetRevision.objects.create(
            target=target, by=by, old_comparator=target.comparator, old_value=target.value, old_low=target.low,
            old_high=target.high, comparator=comparator, value=value, low=low, high=high, reason=reason.strip(),
            document=document.strip())
        target.comparator, target.value, target.low, target.high = comparator, value, low, high
        target.save(update_fields=["comparator", "value", "low", "high"])
    return revision


def _revision_problems(comparator, value, low, high, reason, document) -> dict:
    errors = {}
    if comparator not in Comparator.values:
        errors["comparator"] = [_("比较方式应为 %(choices)s 之一") % {"choices": "/".join(Comparator.values)}]
    elif comparator == Comparator.RANGE and (low is None or high is None or low > high):
        errors["low"] = [_("区间目标需要下限和上限,且下限不大于上限")]
    elif comparator != Comparator.RANGE and value is None:
        errors["value"] = [_("目标值必填")]
    if not (reason or "").strip():
        errors["reason"] = [_("修订理由必填")]
    if not (document or "").strip():
        errors["document"] = [_("修订依据文件必填(文号或标题)")]
    return errors


def plan_set_archived(*, plan: Plan, by, archived: bool) -> Plan:
    """Archive a plan (read-only, still shown everywhere) or reopen it."""
    if not is_bureau_admin(by):
        raise PermissionDenied(_("只有教体局管理员可以归档实施方案"))
    if plan.archived != archived:
        plan.archived = archived
        plan.save(update_fields=["archived"])
    return plan
