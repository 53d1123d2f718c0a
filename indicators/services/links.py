"""Linking a plan's target to the bureau's indicator that measures it (or to none: tracked by its action
items), from the 「对应指标」 page. The rollup then judges the target with the one verdict function
(indicators.verdicts); saving schedules it, after the commit."""
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from edugov.roles import is_bureau_admin
from indicators.models import Indicator, LinkMatch, TargetLink, TargetScope, TargetStatus
from indicators.services.rollup import rollup_schedule
from plans.models import AnnualTarget, Plan, TargetKind
from plans.services.progress import refuse_if_archived

MAX_TOLERANCE = Decimal(999999)  # the field holds 10 digits, 4 of them decimals
_NO_UNIT_CHECK = {TargetKind.RATIO, TargetKind.MILESTONE}  # 「1:2000」 and 「完成」 carry no unit of their own


def target_link_save(*, plan: Plan, measure: str, by, indicator: Indicator | None, tolerance=Decimal(0),
                     scope: str = TargetScope.DISTRICT, match: str = LinkMatch.EXACT, match_note: str = "",
                     note: str = "") -> TargetLink:
    """Create or update the plan measure's link. ``indicator=None``: the target is measured by no indicator and
    tracked by its action items (tolerance, scope and match then mean nothing and are reset). A changed
    indicator drops the verdicts judged on the old one at once; the scheduled rollup writes the new ones."""
    if not is_bureau_admin(by):
        raise PermissionDenied(_("只有教体局管理员可以设置目标对应的指标"))
    refuse_if_archived(plan)
    targets = list(AnnualTarget.objects.filter(plan=plan, measure=measure))
    if not targets:
        raise ValidationError({"__all__": [_("方案中没有目标代码「%(measure)s」") % {"measure": measure[:64]}]})
    tolerance = Decimal(0) if tolerance is None else Decimal(tolerance)
    match_note, note = (match_note or "").strip(), (note or "").strip()
    if indicator is None:
        tolerance, scope, match, match_note = Decimal(0), TargetScope.DISTRICT, LinkMatch.EXACT, ""
    errors = _problems(targets[0], indicator, tolerance, scope, match, match_note)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        old = TargetLink.objects.select_for_update().filter(plan=plan, measure=measure).first()
        link, _created = TargetLink.objects.update_or_create(plan=plan, measure=measure, defaults={
            "indicator": indicator, "tolerance": tolerance, "scope": scope, "match": match,
            "match_note": match_note, "note": note})
        if old is None or old.indicator_id != link.indicator_id:
            TargetStatus.objects.filter(target__in=targets).delete()  # judged on another figure, or on none
        rollup_schedule(year=None, trigger="manual")
    return link


def _problems(target: AnnualTarget, indicator, tolerance: Decimal, scope: str, match: str, match_note: str) -> dict:
    errors: dict[str, list] = {}
    if scope not in TargetScope.values:
        errors["scope"] = [_("适用层级应为「仅全区」「全区及镇街」「全区、镇街及每所学校」之一")]
    if match not in LinkMatch.values:
        errors["match"] = [_("口径对应应为「口径一致」或「近似口径」")]
    elif match == LinkMatch.APPROXIMATE and not match_note:
        errors["match_note"] = [_("近似口径须填写口径差异说明:所采集的数据与目标表述有何不同")]
    if not Decimal(0) <= tolerance <= MAX_TOLERANCE:
        errors["tolerance"] = [_("接近容差应在 0 到 999999 之间")]
    elif tolerance and target.kind == TargetKind.MILESTONE:
        errors["tolerance"] = [_("「是否完成」类目标没有“接近”,接近容差应为 0")]
    if indicator is not None and _units_differ(target, indicator):
        errors["indicator"] = [_("单位不一致:目标「%(target)s」以「%(tu)s」计,指标「%(indicator)s」以「%(iu)s」计") % {
            "target": target.name, "tu": target.unit, "indicator": indicator.name_zh, "iu": indicator.unit}]
    return errors


def _units_differ(target: AnnualTarget, indicator: Indicator) -> bool:
    if target.kind in _NO_UNIT_CHECK or not target.unit or not indicator.unit:
        return False
    return target.unit.strip() != indicator.unit.strip()
