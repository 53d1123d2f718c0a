"""Who sees which school's figures. Views and API classes get rows only through these helpers."""
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from edugov.models import Role
from edugov.roles import profile_of, role_of
from indicators.models import ReportingPeriod, School, Submission

BUREAU = {Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER, Role.LEADER}
REVIEWERS = {Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER}
COLLECTION_ROLES = BUREAU | {Role.TOWN_REVIEWER, Role.SCHOOL_REPORTER}


def schools_visible_to(user) -> QuerySet:
    role = role_of(user)
    if role in BUREAU:
        return School.objects.all()
    if role == Role.TOWN_REVIEWER:
        return School.objects.filter(town_id=profile_of(user).town_id)
    if role == Role.SCHOOL_REPORTER:
        return School.objects.filter(pk=profile_of(user).school_id)
    return School.objects.none()


def submissions_visible_to(user) -> QuerySet:
    submissions = Submission.objects.select_related("period__dataset", "school__town")
    role = role_of(user)
    if role in BUREAU:
        return submissions
    if role in {Role.TOWN_REVIEWER, Role.SCHOOL_REPORTER}:
        return submissions.filter(school__in=schools_visible_to(user))
    return submissions.none()


def require_collection_role(user) -> str:
    role = role_of(user)
    if role not in COLLECTION_ROLES:
        raise PermissionDenied(_("无权访问数据填报"))
    return role


def get_submission_for_user(user, pk) -> Submission:
    require_collection_role(user)
    try:
        return submissions_visible_to(user).get(pk=pk)
    except (Submission.DoesNotExist, ValueError, TypeError):
        raise Http404 from None  # another school's submission does not exist for this user


def can_edit(user, submission: Submission) -> bool:
    role = role_of(user)
    if submission.school_id is None:
        return role in REVIEWERS
    return role == Role.SCHOOL_REPORTER and profile_of(user).school_id == submission.school_id


def get_submission_rw(user, pk) -> Submission:
    submission = get_submission_for_user(user, pk)
    if not can_edit(user, submission):
        raise PermissionDenied(_("只有本校填报员可以修改填报"))
    return submission


def get_period_for_user(user, pk) -> ReportingPeriod:
    require_collection_role(user)
    try:
        return ReportingPeriod.objects.select_related("dataset").get(pk=pk)
    except (ReportingPeriod.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def can_review(user, submission: Submission) -> bool:
    role = role_of(user)
    if role in REVIEWERS:
        return True
    return role == Role.TOWN_REVIEWER and submission.school is not None and (
        profile_of(user).town_id == submission.school.town_id
    )
