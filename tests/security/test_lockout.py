"""Log-in abuse: django-axes locks one account from one address after N failures, on the log-in page,
the admin's log-in and the API's token endpoint, with a Chinese message and a fixed cool-off."""
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

from edugov.lockout import client_ip
from edugov.models import Role
from tests.factories import UserFactory, user_with_role
from tests.security.conftest import PASSWORD

LIMIT = settings.AXES_FAILURE_LIMIT
LOGIN_PAGES = ["/accounts/login/", "/admin/login/"]


@pytest.fixture
def user(db):
    return UserFactory(username="dsk001", is_staff=True, is_superuser=True)


def _post(client, url, address, password, username="dsk001"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_settings_come_from_the_environment_defaults():
    # LOGIN_FAILURE_LIMIT / LOGIN_COOLOFF_MINUTES unset in the test environment: the documented defaults
    assert LIMIT == 5 and settings.AXES_COOLOFF_TIME == timedelta(minutes=15)
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"


@pytest.mark.parametrize("url", LOGIN_PAGES)
def test_page_locks_the_account_after_n_failures_even_for_the_right_password(client, user, address, url):
    for attempt in range(1, LIMIT):
        assert _post(client, url, address, "wrong-password").status_code == 200, attempt  # the form again
    locked = _post(client, url, address, "wrong-password")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "账号已暂时锁定" in page and f"{LIMIT} 次登录失败" in page and "15 分钟后再试" in page

    response = _post(client, url, address, PASSWORD)
    assert response.status_code == 429 and not _logged_in(client)


@pytest.mark.parametrize("url", LOGIN_PAGES)
def test_lock_is_per_account_and_address(client, user, address, url):
    for _ in range(LIMIT):
        _post(client, url, address, "wrong-password")
    # the same account from another address, and another account from the same address, still log in
    assert _post(client, url, "192.0.2.77", PASSWORD).status_code == 302
    client.logout()
    UserFactory(username="dsk002", is_staff=True, is_superuser=True)
    assert _post(client, url, address, PASSWORD, username="dsk002").status_code == 302


def test_cool_off_ends_the_lock_and_trying_meanwhile_does_not_extend_it(client, user, address):
    for _ in range(LIMIT + 3):
        _post(client, "/accounts/login/", address, "wrong-password")
    # when the cool-off has passed since the failures, the right password works again
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time
                                 - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))
    response = _post(client, "/accounts/login/", address, PASSWORD)
    assert response.status_code == 302 and _logged_in(client)


def test_a_success_clears_the_count(client, user, address):
    for _ in range(LIMIT - 1):
        _post(client, "/accounts/login/", address, "wrong-password")
    assert _post(client, "/accounts/login/", address, PASSWORD).status_code == 302
    client.logout()
    for _ in range(LIMIT - 1):
        _post(client, "/accounts/login/", address, "wrong-password")
    assert _post(client, "/accounts/login/", address, PASSWORD).status_code == 302


def test_the_lock_page_reads_in_english_too(client, user, address):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for _ in range(LIMIT):
        response = _post(client, "/accounts/login/", address, "wrong-password")
    assert response.status_code == 429 and "temporarily locked" in response.content.decode()


def test_api_token_locks_with_a_chinese_429(api, db, address):
    user_with_role("reviewer", Role.BUREAU_REVIEWER)
    url = reverse("api-token")
    for _ in range(LIMIT - 1):
        assert _post(api, url, address, "wrong-password", "reviewer").status_code == 400
    locked = _post(api, url, address, "wrong-password", "reviewer")
    assert locked.status_code == 429 and "锁定 15 分钟" in locked.json()["detail"]

    right = _post(api, url, address, PASSWORD, "reviewer")
    assert right.status_code == 429 and "token" not in right.json()
    assert _post(api, url, "192.0.2.78", PASSWORD, "reviewer").status_code == 200  # another address


@pytest.mark.parametrize(("proxies", "forwarded", "expected"), [
    (0, "203.0.113.9", "127.0.0.1"),                 # no proxy trusted: the header is the client's word
    (1, "203.0.113.9", "203.0.113.9"),               # nginx appended the real client
    (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),      # a forged entry on the left is ignored
    (2, "203.0.113.9, 10.0.0.2", "203.0.113.9"),
    (1, "", "127.0.0.1"),
])
def test_client_address_behind_proxies(settings, rf, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
