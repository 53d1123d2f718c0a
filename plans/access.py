"""Who may see and change plan data. Views and API classes get rows only through these helpers."""
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from edugov.models import Role
from edugov.roles import profile_of, role_of
from plans.models import ActionItem


def can_update_item(user, item: ActionItem) -> bool:
    role = role_of(user)
    if role == Role.BUREAU_ADMIN:
        return True
    if role != Role.DEPARTMENT_STAFF:
        return False
    department_id = profile_of(user).department_id
    return any(d.pk == department_id for d in item.departments.all())


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
