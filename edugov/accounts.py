"""Accounts for a real deployment: one-time passwords, and a first log-in that must set a new one."""
import secrets
from dataclasses import dataclass

from django.contrib.auth import views as auth_views
from django.contrib.auth.models import User
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse

from edugov.models import Profile, Role
from edugov.roles import profile_of

# No 0/O, 1/l/I: the password is read off a printed sheet and typed by hand.
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
ONE_TIME_PASSWORD_LENGTH = 12


def one_time_password() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(ONE_TIME_PASSWORD_LENGTH))


@dataclass(frozen=True)
class SchoolAccount:
    school_code: str
    school_name: str
    username: str
    password: str


def school_accounts_create(*, schools) -> tuple[list[SchoolAccount], list[str]]:
    """A reporter account per school that has none (username: the school code in lower case), each with
    its own one-time password, to be changed at first log-in. Returns the new accounts (the only place
    their passwords ever appear) and the usernames skipped because they already exist."""
    created, skipped = [], []
    with transaction.atomic():
        for school in schools:
            username = school.code.lower()
            if User.objects.filter(username=username).exists():
                skipped.append(username)
                continue
            password = one_time_password()
            user = User.objects.create_user(username=username, password=password, first_name=school.name[:150])
            Profile.objects.create(user=user, role=Role.SCHOOL_REPORTER, school=school, must_change_password=True)
            created.append(SchoolAccount(school.code, school.name, username, password))
    return created, skipped


def user_password_changed(*, user) -> None:
    Profile.objects.filter(user=user).update(must_change_password=False)


def must_change_password(user) -> bool:
    profile = profile_of(user)
    return bool(profile and profile.must_change_password)


class MustChangePasswordMiddleware:
    """A user still holding a one-time password sees nothing but the password-change page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if must_change_password(request.user) and not _allowed_before_change(request.path_info):
            return redirect("password_change")
        return self.get_response(request)


def _allowed_before_change(path: str) -> bool:
    allowed = [reverse(name) for name in ("password_change", "password_change_done", "logout", "set_language")]
    return path in allowed or path.startswith("/static/")


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form):
        response = super().form_valid(form)
        user_password_changed(user=form.user)
        return response

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, first_login=must_change_password(self.request.user))
