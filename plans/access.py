"""Who may see and change plan data. Views and API classes get rows only through these helpers."""
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from edugov.models import Role
from edugov.roles import profile_of, role_of
from plans.models import ActionItem, Department, Evidence

# Bureau staff and leaders read every item's evidence; department staff that of their own items.
_EVIDENCE_READERS = {Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER, Role.LEADER}


def _is_responsible(user, item: ActionItem) -> bool:
    """A department staff member of one of the item's responsible departments."""
    if role_of(user) != Role.DEPARTMENT_STAFF:
        return False
    department_id = profile_of(user).department_id
    return any(d.pk == department_id for d in item.departments.all())


def can_update_item(user, item: ActionItem) -> bool:
    return role_of(user) == Role.BUREAU_ADMIN or _is_responsible(user, item)


def get_item_for_user(user, pk) -> ActionItem:
    """Every role reads the plan (it is a published document); unknown ids are a 404."""
    if role_of(user) is None:
        raise PermissionDenied
    try:
        return ActionItem.objects.select_related("programme__plan").prefetch_related("departments").get(pk=pk)
    except (ActionItem.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_item_rw(user, pk) -> ActionItem:
    item = get_item_for_user(user, pk)
    if not can_update_item(user, item):
        raise PermissionDenied(_("只有责任部门的工作人员可以更新此条目"))
    return item


def can_read_evidence(user, item: ActionItem) -> bool:
    """Evidence (meeting minutes, contracts, photos) is working material of the departments responsible,
    not part of the published plan: schools, town reviewers and other departments do not read it."""
    return role_of(user) in _EVIDENCE_READERS or _is_responsible(user, item)


def get_evidence_for_user(user, pk) -> Evidence:
    """The evidence file if the user may read it; 403 without a role, 404 otherwise (no hint that it exists)."""
    if role_of(user) is None:
        raise PermissionDenied
    try:
        evidence = Evidence.objects.select_related("update__item").get(pk=pk)
    except (Evidence.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not can_read_evidence(user, evidence.update.item):
        raise Http404
    return evidence


def get_department_for_user(user) -> Department:
    """The department whose tasks this account works on; only department staff have one."""
    if role_of(user) != Role.DEPARTMENT_STAFF:
        raise PermissionDenied(_("只有责任部门的工作人员有部门任务"))
    return profile_of(user).department


def require_plan_importer(user) -> None:
    """Importing a plan writes a whole plan: bureau admins only."""
    if role_of(user) != Role.BUREAU_ADMIN:
        raise PermissionDenied(_("只有教育局管理员可以导入实施方案"))
