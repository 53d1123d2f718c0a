"""API throttles (per address, per user, strictest on /api/token/) and API tokens that expire."""
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.throttling import UserRateThrottle

from edugov.models import Role
from tests.factories import user_with_role
from tests.security.conftest import PASSWORD

PLANS = "/api/plans/"


@pytest.fixture
def reviewer(db):
    return user_with_role("reviewer", Role.BUREAU_REVIEWER)


def _aged(token: Token, hours: float) -> Token:
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - timedelta(hours=hours))
    return token


def test_throttles_are_configured_from_the_environment_defaults():
    rest = settings.REST_FRAMEWORK
    assert rest["DEFAULT_THROTTLE_CLASSES"] == ["rest_framework.throttling.AnonRateThrottle",
                                                "rest_framework.throttling.UserRateThrottle"]
    assert rest["DEFAULT_THROTTLE_RATES"] == {"anon": "30/minute", "user": "300/minute", "token": "10/minute"}


def test_token_endpoint_is_throttled_per_address(api, reviewer, address):
    allowed = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["token"].split("/")[0])
    credentials = {"username": "reviewer", "password": PASSWORD}
    for _ in range(allowed):
        assert api.post(reverse("api-token"), credentials, REMOTE_ADDR=address).status_code == 200
    assert api.post(reverse("api-token"), credentials, REMOTE_ADDR=address).status_code == 429
    assert api.post(reverse("api-token"), credentials, REMOTE_ADDR="192.0.2.80").status_code == 200


def test_api_is_throttled_per_user(api, reviewer, monkeypatch):
    # a small rate and a key of this test's own: the real 300/minute would take 300 requests
    monkeypatch.setattr(UserRateThrottle, "rate", "3/minute", raising=False)
    monkeypatch.setattr(UserRateThrottle, "cache_format", f"throttle-test-{uuid.uuid4().hex}-%(scope)s-%(ident)s")
    api.force_authenticate(reviewer)
    assert [api.get(PLANS).status_code for _ in range(4)] == [200, 200, 200, 429]


def test_fresh_token_works_and_old_token_is_refused_in_chinese(api, reviewer):
    token = Token.objects.create(user=reviewer)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get(PLANS).status_code == 200

    _aged(token, settings.TOKEN_TTL_HOURS + 0.1)
    response = api.get(PLANS)
    assert response.status_code == 401 and "令牌已过期" in response.json()["detail"]
    assert response["WWW-Authenticate"] == "Token"


def test_token_ttl_follows_the_setting(api, reviewer, settings):
    settings.TOKEN_TTL_HOURS = 1
    token = _aged(Token.objects.create(user=reviewer), 0.9)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get(PLANS).status_code == 200
    _aged(token, 1.1)
    assert api.get(PLANS).status_code == 401


def test_obtaining_a_token_after_expiry_gives_a_new_one(api, reviewer, address):
    old = _aged(Token.objects.create(user=reviewer), settings.TOKEN_TTL_HOURS + 1)
    # a script may still send its expired token while asking for a new one
    api.credentials(HTTP_AUTHORIZATION=f"Token {old.key}")
    response = api.post(reverse("api-token"), {"username": "reviewer", "password": PASSWORD}, REMOTE_ADDR=address)
    assert response.status_code == 200 and response.json()["token"] != old.key
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api.get(PLANS).status_code == 200


def test_a_live_token_is_handed_out_again_unchanged(api, reviewer, address):
    live = Token.objects.create(user=reviewer)
    response = api.post(reverse("api-token"), {"username": "reviewer", "password": PASSWORD}, REMOTE_ADDR=address)
    assert response.json()["token"] == live.key
