from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from edugov.roles import is_bureau_admin
from plans.models import AnnualTarget, TargetSource


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
