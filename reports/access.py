"""Who sees which dashboard. Everyone with a role sees the district figures; lists of schools
only go to those who may see those schools (indicators.access.schools_visible_to)."""
from django.core.exceptions import PermissionDenied
from django.http import Http404

from edugov.models import Role
from edugov.roles import profile_of, role_of
from indicators.access import BUREAU, REVIEWERS, schools_visible_to
from plans.models import Department
from reports.models import ExportJob, MeetingSnapshot


def require_dashboard_role(user) -> str:
    role = role_of(user)
    if role is None:
        raise PermissionDenied("无权查看仪表盘")
    return role


def require_bureau(user) -> None:
    if role_of(user) not in BUREAU:
        raise PermissionDenied("仅限教育局人员")


def require_freezer(user) -> None:
    if role_of(user) not in REVIEWERS:
        raise PermissionDenied("只有教育局管理员和审核员可以冻结会议数据")


def listable_school_codes(user) -> set[str] | None:
    """None: every school may be listed; a set: only these; an empty set: no school lists."""
    role = role_of(user)
    if role in BUREAU:
        return None
    if role == Role.TOWN_REVIEWER:
        return set(schools_visible_to(user).values_list("code", flat=True))
    return set()


def own_school(user):
    profile = profile_of(user)
    return profile.school if profile and role_of(user) == Role.SCHOOL_REPORTER else None


def get_school_code_for_user(user, code: str) -> str:
    require_dashboard_role(user)
    if not schools_visible_to(user).filter(code=code).exists():
        raise Http404  # another school does not exist for this user
    return code


def get_snapshot_for_user(user, pk) -> MeetingSnapshot:
    require_bureau(user)
    try:
        return MeetingSnapshot.objects.select_related("plan", "frozen_by").get(pk=pk)
    except (MeetingSnapshot.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_export_for_user(user, pk) -> ExportJob:
    require_bureau(user)
    try:
        return ExportJob.objects.get(pk=pk, created_by=user)
    except (ExportJob.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_department_for_user(user, pk) -> Department:
    """A department's scorecard is read by everyone with a role, as the actions dashboard is."""
    require_dashboard_role(user)
    try:
        return Department.objects.prefetch_related("aliases").get(pk=pk)
    except (Department.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None
