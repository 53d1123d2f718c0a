"""Passwords: Django's validators, demo commands that refuse production, and school accounts with
one-time passwords that must be changed at the first log-in."""
import csv
import io
import stat

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from edugov.models import Profile, Role
from tests.factories import SchoolFactory, TownFactory, user_with_role

NEW_PASSWORD = "Jiaoyu-Guihua-2026"


@pytest.mark.parametrize("weak", ["Ab3-xyz", "password123", "12345678901234", "dsk001dsk001"])
def test_validators_refuse_weak_passwords(db, weak):
    with pytest.raises(ValidationError):
        validate_password(weak, User(username="dsk001dsk001"))


def test_validators_accept_a_good_password(db):
    validate_password(NEW_PASSWORD, User(username="dsk001"))


@pytest.mark.parametrize("command", ["demo_accounts", "demo_progress", "demo_data"])
def test_demo_commands_refuse_to_run_with_debug_off(db, settings, command):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG 已关闭.*--allow-production-demo"):
        call_command(command, stdout=io.StringIO())
    assert not User.objects.exists()


def test_demo_accounts_run_with_debug_on_or_when_told(db, settings):
    settings.DEBUG = True
    call_command("demo_accounts", stdout=io.StringIO())
    settings.DEBUG = False
    call_command("demo_accounts", "--allow-production-demo", stdout=io.StringIO())
    assert User.objects.filter(username="admin").exists()


# --- school accounts for a real deployment --------------------------------------------------------------

@pytest.fixture
def schools(db):
    town = TownFactory(name="林荫街道")
    return [SchoolFactory(town=town, code="DSX101", name="东胜区第一小学"),
            SchoolFactory(town=town, code="DSX102", name="东胜区第二小学"),
            SchoolFactory(town=town, code="DSX103", name="已撤并小学", active=False)]


def _create(tmp_path, name="accounts.csv", *args):
    path = tmp_path / name
    err = io.StringIO()
    call_command("create_school_accounts", "--output", str(path), *args, stderr=err)
    with path.open(encoding="utf-8-sig") as f:
        return list(csv.DictReader(f)), path, err.getvalue()


def test_each_active_school_gets_its_own_one_time_password(schools, tmp_path):
    rows, path, message = _create(tmp_path)
    assert [r["用户名"] for r in rows] == ["dsx101", "dsx102"] and "已创建 2 个学校账号" in message
    assert len({r["一次性密码"] for r in rows}) == 2
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # only whoever ran the command reads the sheet
    for row in rows:
        user = User.objects.get(username=row["用户名"])
        validate_password(row["一次性密码"], user)
        assert user.check_password(row["一次性密码"]) and row["一次性密码"] not in user.password
        assert (user.profile.role, user.profile.school.code, user.profile.must_change_password) == (
            Role.SCHOOL_REPORTER, row["学校代码"], True)


def test_running_again_touches_no_existing_account_and_never_overwrites_the_sheet(schools, tmp_path):
    rows, path, _ = _create(tmp_path)
    hashes = dict(User.objects.values_list("username", "password"))
    with pytest.raises(CommandError, match="已存在"):
        _create(tmp_path)
    again, _, message = _create(tmp_path, "second.csv")
    assert again == [] and "已有账号未改动 2 个" in message
    assert dict(User.objects.values_list("username", "password")) == hashes
    assert len(path.read_text(encoding="utf-8-sig").splitlines()) == 3  # header + the first two accounts


@pytest.fixture
def first_timer(schools, tmp_path, client):
    rows, _, _ = _create(tmp_path, "a.csv", "--school", "DSX101")
    one_time = rows[0]["一次性密码"]
    response = client.post(reverse("login"), {"username": "dsx101", "password": one_time})
    assert response.status_code == 302
    return one_time


@pytest.mark.parametrize("url", ["/", "/data/", "/reports/", "/plans/", "/api/plans/", "/admin/"])
def test_first_log_in_can_do_nothing_but_change_the_password(client, first_timer, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == reverse("password_change")


def test_changing_the_password_opens_the_site(client, first_timer):
    page = client.get(reverse("password_change")).content.decode()
    assert "首次登录" in page
    response = client.post(reverse("password_change"), {
        "old_password": first_timer, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("password_change_done")
    assert not Profile.objects.get(user__username="dsx101").must_change_password
    assert client.get("/data/").status_code == 200


def test_a_weak_new_password_is_refused_and_the_flag_stays(client, first_timer):
    response = client.post(reverse("password_change"), {
        "old_password": first_timer, "new_password1": "12345678", "new_password2": "12345678"})
    assert response.status_code == 200 and "密码" in response.content.decode()
    assert Profile.objects.get(user__username="dsx101").must_change_password


def test_token_endpoint_refuses_an_account_with_a_one_time_password(api, schools, tmp_path, address):
    rows, _, _ = _create(tmp_path)
    response = api.post(reverse("api-token"), {"username": "dsx101", "password": rows[0]["一次性密码"]},
                        REMOTE_ADDR=address)
    assert response.status_code == 403 and "修改初始密码" in response.json()["detail"]


def test_accounts_without_the_flag_are_not_redirected(client, db):
    client.force_login(user_with_role("leader", Role.LEADER))
    assert client.get("/")["Location"] == reverse("reports:overview")


def test_first_timer_may_still_log_out(client, first_timer):
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session



def test_password_change_page_reads_in_english_too(client, first_timer, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("password_change")).content.decode()
    assert "Change password" in page and "first log-in" in page and "首次登录" not in page
