import pytest
from django.urls import reverse


@pytest.mark.django_db
@pytest.mark.parametrize("language, words", [("zh-hans", ["登录", "用户名"]), ("en", ["Log in", "Username"])])
def test_login_page_in_both_languages(client, language, words):
    client.cookies["django_language"] = language
    html = client.get(reverse("login")).content.decode()
    assert all(word in html for word in words)


@pytest.mark.django_db
def test_language_switch_is_remembered(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert "Log in" in client.get(reverse("login")).content.decode()


@pytest.mark.parametrize(
    "member, landing",
    [
        ("leader", "reports:overview"),
        ("reporter_a", "indicators:home"),
        ("reviewer", "indicators:home"),
        ("staff_fin", "plans:overview"),
        ("admin", "plans:overview"),
    ],
)
def test_home_sends_each_role_to_its_work(client, cast, member, landing):
    client.force_login(getattr(cast, member))
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url == reverse(landing)


def test_home_requires_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
