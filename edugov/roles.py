"""Role checks shared by every app. A user without a profile can do nothing but log in."""
from edugov.models import Profile, Role


def role_of(user) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return Role.BUREAU_ADMIN
    profile = _profile(user)
    return profile.role if profile else None


def _profile(user) -> Profile | None:
    try:
        return user.profile
    except Profile.DoesNotExist:
        return None


def profile_of(user) -> Profile | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return _profile(user)


def display_name(user) -> str:
    """How a page names a person: the full name; else what the account stands for (「林荫街道 · 镇街教育办审核员」,
    the role alone for a bureau account: 「教体局审核员」); else the login. Logins such as dsk001 mean nothing to
    a reader. Select ``profile__school``, ``profile__town`` and ``profile__department`` with the user."""
    if user is None:
        return ""
    full = user.get_full_name()
    if full:
        return full
    profile = _profile(user)
    if profile is None:
        return user.username
    unit = profile.school or profile.town or profile.department
    role = profile.get_role_display()
    return f"{unit.name} · {role}" if unit else str(role)


def is_bureau_admin(user) -> bool:
    return role_of(user) == Role.BUREAU_ADMIN


def is_bureau(user) -> bool:
    """Bureau-wide readers of everything: admin, reviewers and leaders."""
    return role_of(user) in {Role.BUREAU_ADMIN, Role.BUREAU_REVIEWER, Role.LEADER}


def is_leader(user) -> bool:
    return role_of(user) == Role.LEADER


def is_school_reporter(user) -> bool:
    return role_of(user) == Role.SCHOOL_REPORTER


def can_view_plan(user) -> bool:
    """Everyone with a role reads the plan; schools see it too (it is a public document)."""
    return role_of(user) is not None
