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
        ("staff_fin", "plans:mine"),
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


# --- NUL bytes: PostgreSQL refuses them in any string, so they are refused before any view runs --------


@pytest.mark.parametrize("url", ["/reports/?plan=%00", "/reports/?year=2021%00", "/plans/items/?q=a%00b",
                                 "/reports/schools/DS%00001/", "/reports/indicators/%00/", "/data/?x%00=1"])
def test_nul_in_path_or_query_is_a_400_with_a_chinese_message(client, cast, url):
    client.force_login(cast.leader)
    response = client.get(url, secure=True)
    assert response.status_code == 400
    assert "空字符" in response.content.decode()


def test_nul_in_a_posted_field_is_refused_and_nothing_changes(client, cast):
    client.force_login(cast.reporter_a)
    response = client.post("/data/submissions/1/", {"v_kids": "1\x002", "version": "0"}, secure=True)
    assert response.status_code == 400 and "空字符" in response.content.decode()


def test_nul_in_a_json_body_is_refused(client, cast):
    client.force_login(cast.reporter_a)
    response = client.put("/api/submissions/1/values/", '{"version": 0, "values": {"kids": "1\\u0000"}}',
                          content_type="application/json", secure=True)
    assert response.status_code == 400 and "空字符" in response.content.decode()


def test_ordinary_requests_pass_the_nul_check(client, cast):
    client.force_login(cast.leader)
    assert client.get("/plans/items/?q=%E6%99%AE%E6%83%A0", secure=True).status_code != 400


@pytest.mark.parametrize("language, words", [("zh-hans", ["无权访问", "只有责任部门的工作人员有部门任务", "返回首页"]),
                                             ("en", ["Access denied", "Back to the home page"])])
def test_a_refusal_is_a_page_of_the_site_in_the_readers_language(client, cast, language, words):
    # given a leader, who has no department tasks
    client.force_login(cast.leader)
    client.cookies["django_language"] = language
    # when it opens 我的任务
    response = client.get(reverse("plans:mine"))
    # then a 403 in the site's layout, with the reason and a way home — never a bare 「403 Forbidden」
    html = response.content.decode()
    assert response.status_code == 403
    assert "403 Forbidden" not in html and 'class="topbar"' in html and f'href="{reverse("home")}"' in html
    assert all(word in html for word in words)


def test_a_refusal_without_a_reason_says_why_in_general(client, cast):
    from indicators.models import DataSet, ReportingPeriod

    period = ReportingPeriod.objects.create(dataset=DataSet.objects.create(code="f", name_zh="表"), year=2022,
                                            opens_on="2022-01-01", deadline="2022-02-01")
    client.force_login(cast.reporter_a)
    response = client.get(reverse("indicators:review_period", args=[period.pk]))
    html = response.content.decode()
    assert response.status_code == 403 and "无权访问" in html and "没有查看此页面的权限" in html
