"""Several plans side by side (issue 13): one resolution of the plan for a request (plans.context), used by
every /plans/ and /reports/ page and the plan API; remembered per user; an unknown plan is a 404."""
import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from edugov.models import Role
from indicators.models import Indicator, TargetLink, TargetStatus
from plans.context import default_plan, plan_for_request, plans_of_request
from plans.models import ActionItem, AnnualTarget, Plan, PlanPreference, Programme
from plans.services.loading import DEFAULT_FILE, plan_load, read_plan_file
from tests.factories import user_with_role

SECOND = Path(__file__).parent / "data" / "second_plan.json"


@pytest.fixture
def plans(cast):
    """The Dongsheng plan (215 items), the 2023–2025 test plan (4 items) and an empty third plan."""
    first = plan_load(data=read_plan_file(DEFAULT_FILE)).plan
    second = plan_load(data=read_plan_file(SECOND)).plan
    third = Plan.objects.create(key="shuangjian-2030", title="双减工作实施方案(测试用)", start_year=2028, end_year=2030)
    return first, second, third


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


def _items_of(plan) -> int:
    return ActionItem.objects.filter(programme__plan=plan).count()


# --- the resolution, as pure as it gets ------------------------------------------------------------------


def _plan(key, start, end, *, data=True, archived=False, pk=0):
    plan = Plan(key=key, title=key, start_year=start, end_year=end, archived=archived, pk=pk)
    plan.has_targets, plan.has_items = data, False
    return plan


@pytest.mark.parametrize("today, expected", [
    (2020, "a"),  # the plan whose years contain today
    (2024, "b"),
    (2026, "b"),  # none contains today: the most recent with data (c is empty)
    (2029, "c"),  # the years contain today, even if the plan is still empty
])
def test_default_is_the_plan_of_today_else_the_newest_with_data(today, expected):
    plans = [_plan("a", 2019, 2022, pk=1), _plan("b", 2023, 2025, pk=2), _plan("c", 2028, 2030, data=False, pk=3)]
    assert default_plan(plans, today=datetime.date(today, 6, 1)).key == expected


def test_default_prefers_a_live_plan_over_an_archived_one_of_the_same_years():
    plans = [_plan("old", 2019, 2022, archived=True, pk=5), _plan("live", 2019, 2022, pk=1)]
    assert default_plan(plans, today=datetime.date(2021, 1, 1)).key == "live"


def test_no_plan_at_all_is_a_404_with_a_chinese_message(db):
    request = RequestFactory().get("/plans/")
    request.user, request.session = AnonymousUser(), SessionStore()
    with pytest.raises(Http404, match="尚未载入实施方案"):
        plan_for_request(request)


def test_anonymous_choice_is_remembered_in_the_session(plans):
    first, second, _ = plans
    session = SessionStore()
    request = RequestFactory().get("/", {"plan": second.pk})  # by id as well as by key
    request.user, request.session = AnonymousUser(), session
    assert plan_for_request(request) == second
    later = RequestFactory().get("/")
    later.user, later.session = AnonymousUser(), session
    assert plan_for_request(later) == second
    assert not PlanPreference.objects.exists()


def test_resolution_and_switcher_share_one_query(plans, django_assert_num_queries, cast):
    request = RequestFactory().get("/plans/")
    request.user, request.session = cast.leader, SessionStore()
    with django_assert_num_queries(1):
        plan_for_request(request)
        assert len(plans_of_request(request)) == 3


# --- pages ------------------------------------------------------------------------------------------------


def test_plan_parameter_wins_and_is_remembered_per_user(client, cast, plans):
    first, second, _ = plans
    # given the leader chooses the second plan
    page = _get(client, cast.leader, f"/plans/?plan={second.key}").content.decode()
    assert second.title in page and "新建公办幼儿园" not in page
    assert PlanPreference.objects.get(user=cast.leader).plan == second
    # when they come back without ?plan=, on another page and another session
    client.logout()
    page = _get(client, cast.leader, "/plans/items/").content.decode()
    # then they see the plan they chose, and only its items
    assert "新建公办幼儿园2所" in page and f"?plan={second.key}" in page
    assert _get(client, cast.leader, "/reports/").content.decode().count(second.title) >= 1
    # and another user is not affected
    other = _get(client, cast.reviewer, f"/plans/?plan={first.key}").content.decode()
    assert first.title in other
    assert PlanPreference.objects.get(user=cast.leader).plan == second


@pytest.mark.parametrize("url", ["/plans/", "/plans/items/", "/plans/targets/", "/plans/programmes/1/",
                                 "/reports/", "/reports/actions/", "/reports/print/", "/reports/meetings/"])
def test_unknown_plan_is_a_404_in_chinese_never_a_5xx(client, cast, plans, url):
    response = _get(client, cast.admin, f"{url}?plan=no-such-plan")
    assert response.status_code == 404
    assert "没有标识或编号为 “no-such-plan” 的实施方案" in response.content.decode()


@pytest.mark.parametrize("raw", ["999999", "9" * 40, "%00", "<script>", " "])
def test_hostile_plan_values_never_5xx(client, cast, plans, raw):
    response = _get(client, cast.leader, f"/plans/items/?plan={raw}")
    assert response.status_code in (200, 400, 404)


def test_each_plan_counts_only_its_own_items_and_targets(client, cast, plans):
    # three plans loaded: no plan's items leak into another's counts
    for plan in plans:
        response = _get(client, cast.admin, f"/plans/items/?plan={plan.key}")
        assert response.context["total"] == _items_of(plan)
        targets = _get(client, cast.admin, f"/plans/targets/?plan={plan.key}").context["targets"]
        assert {t.plan_id for t in targets} <= {plan.pk} and len(targets) == plan.targets.count()
    assert [_items_of(p) for p in plans] == [215, 4, 0]


def test_empty_plan_pages_do_not_crash(client, cast, plans):
    third = plans[2]
    for url in ["/plans/", "/plans/items/", "/plans/targets/", "/reports/", "/reports/actions/"]:
        assert _get(client, cast.leader, f"{url}?plan={third.key}").status_code == 200, url
    assert _get(client, cast.leader, f"/plans/programmes/1/?plan={third.key}").status_code == 404


def test_programme_page_is_the_chosen_plans_programme(client, cast, plans):
    first, second, _ = plans
    page = _get(client, cast.leader, f"/plans/programmes/2/?plan={second.key}").content.decode()
    assert "学生体质健康促进工程" in page
    name = Programme.objects.get(plan=first, number=2).name
    assert name in _get(client, cast.leader, f"/plans/programmes/2/?plan={first.key}").content.decode()


def test_header_switcher_lists_every_plan_and_marks_the_shown_one(client, cast, plans):
    first, second, third = plans
    page = _get(client, cast.leader, f"/plans/targets/?plan={second.key}").content.decode()
    assert 'name="plan"' in page and 'class="planswitch' in page
    assert f'<option value="{second.key}" selected>' in page
    assert f'<option value="{first.key}">' in page and f'<option value="{third.key}">' in page


def test_item_page_names_the_items_plan_whatever_was_remembered(client, cast, plans):
    first, second, _ = plans
    _get(client, cast.leader, f"/plans/?plan={second.key}")
    item = ActionItem.objects.filter(programme__plan=first).order_by("id").first()
    page = _get(client, cast.leader, reverse("plans:item", args=[item.pk])).content.decode()
    assert f'<option value="{first.key}" selected>' in page


def test_links_carry_the_plan(client, cast, plans):
    second = plans[1]
    page = _get(client, cast.leader, f"/plans/?plan={second.key}").content.decode()
    assert f"/plans/items/?plan={second.key}" in page and f"/plans/programmes/1/?plan={second.key}" in page
    assert f'name="plan" value="{second.key}"' in _get(client, cast.leader, "/plans/items/").content.decode()


# --- API --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ["action-items", "targets", "programmes"])
def test_api_lists_are_scoped_to_the_plan(client, cast, plans, endpoint):
    first, second, _ = plans
    client.force_login(cast.leader)
    for plan, ref in [(first, first.key), (second, second.pk)]:
        body = client.get(f"/api/{endpoint}/?plan={ref}&page_size=500").json()
        rows = body["results"] if isinstance(body, dict) else body
        expected = {"action-items": _items_of(plan), "targets": plan.targets.count(),
                    "programmes": plan.programmes.count()}[endpoint]
        assert (body["count"] if isinstance(body, dict) else len(rows)) == expected


def test_api_unknown_plan_is_a_404_and_does_not_change_the_users_choice(client, cast, plans):
    first, second, _ = plans
    client.force_login(cast.leader)
    client.get(f"/plans/?plan={second.key}")
    response = client.get("/api/action-items/?plan=nope")
    assert response.status_code == 404 and "nope" in response.json()["detail"]
    client.get(f"/api/action-items/?plan={first.key}")  # a script's ?plan= is not the person's choice
    assert PlanPreference.objects.get(user=cast.leader).plan == second
    assert client.get(f"/api/reports/overview/?plan={first.key}&year=2021").status_code == 200


def test_api_item_is_found_by_id_whatever_the_plan(client, cast, plans):
    first, second, _ = plans
    item = ActionItem.objects.filter(programme__plan=first).order_by("id").first()
    client.force_login(cast.leader)
    client.get(f"/plans/?plan={second.key}")
    assert client.get(f"/api/action-items/{item.pk}/").status_code == 200


# --- compare ----------------------------------------------------------------------------------------------


def test_compare_page_counts_each_plans_stored_statuses(client, cast, plans):
    first, second, _ = plans
    indicator = Indicator.objects.create(code="x", name_zh="x", name_en="x", numerator="A", denominator="",
                                         unit="%", decimals=1)
    now = timezone.now()
    statuses = {first: ["met", "met", "not_met"], second: ["close", "incomplete"]}
    for plan, words in statuses.items():
        for target, status in zip(plan.targets.order_by("id"), words, strict=False):
            TargetStatus.objects.create(target=target, indicator=indicator, status=status, actual=Decimal(1),
                                        computed_at=now)
    response = _get(client, cast.leader, reverse("reports:compare"))
    rows = {row["plan"].key: row for row in response.context["rows"]}
    assert rows[first.key]["totals"]["counts"]["met"] == 2 and rows[first.key]["totals"]["counts"]["not_met"] == 1
    assert rows[second.key]["totals"]["counts"]["close"] == 1 and rows[second.key]["totals"]["counts"]["met"] == 0
    assert rows[first.key]["totals"]["total"] == first.targets.count()
    # without links every other target is tracked by its items; none is waiting for the rollup
    assert rows[first.key]["totals"]["untracked"] == first.targets.count()
    assert rows[first.key]["totals"]["pending"] == 0
    page = response.content.decode()
    assert "✔ 达标" in page and "数据未齐" in page and second.title in page
    assert _get(client, cast.outsider, reverse("reports:compare")).status_code == 403


def test_compare_page_renders_in_english(client, cast, plans):
    client.force_login(cast.leader)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Met" in client.get(reverse("reports:compare")).content.decode()


def test_compare_separates_measured_targets_not_yet_rolled_up_from_those_tracked_by_items(client, cast, plans):
    second = plans[1]
    indicator = Indicator.objects.create(code="y", name_zh="y", name_en="y", numerator="A", denominator="",
                                         unit="%", decimals=1)
    measure = second.targets.order_by("id").first().measure
    TargetLink.objects.create(plan=second, measure=measure, indicator=indicator)
    rows = {r["plan"].key: r for r in _get(client, cast.leader, reverse("reports:compare")).context["rows"]}
    measured = second.targets.filter(measure=measure).count()
    assert rows[second.key]["totals"]["pending"] == measured
    assert rows[second.key]["totals"]["untracked"] == second.targets.count() - measured


def test_targets_of_one_plan_never_reach_anothers_compare_row(client, cast, plans):
    third = plans[2]
    AnnualTarget.objects.create(plan=third, measure="m", name="m", year=2029, comparator="gte", value=1)
    rows = {r["plan"].key: r for r in _get(client, cast.leader, reverse("reports:compare")).context["rows"]}
    assert rows[third.key]["totals"]["total"] == 1 and rows[third.key]["years"][1]["untracked"] == 1


# --- indicator pages ------------------------------------------------------------------------------------------


def test_indicator_page_without_plan_never_crashes_and_opens_on_a_plan_measuring_it(client, cast, plans):
    first, second, _ = plans
    indicator = Indicator.objects.create(code="puhui", name_zh="普惠性幼儿园覆盖率", name_en="Public-benefit coverage",
                                         numerator="A*100", denominator="B", unit="%", decimals=1)
    TargetLink.objects.create(plan=first, measure=first.targets.order_by("id").first().measure, indicator=indicator)
    client.force_login(cast.leader)
    client.get(f"/plans/?plan={second.key}")  # remembered: a plan that does not measure it
    response = client.get(reverse("reports:indicator", args=["puhui"]))
    assert response.status_code == 200
    assert f'<option value="{first.key}" selected>' in response.content.decode()  # the header says which plan
    assert PlanPreference.objects.get(user=cast.leader).plan == second  # the person's choice is kept
    # with ?plan= the page shows that plan, even one with no target on this indicator
    assert client.get(reverse("reports:indicator", args=["puhui"]) + f"?plan={second.key}").status_code == 200
    assert client.get(reverse("reports:indicator", args=["puhui"]) + "?plan=nope").status_code == 404


def test_reports_links_to_items_carry_the_plan(client, cast, plans):
    first = plans[0]
    page = _get(client, cast.leader, f"/reports/actions/?plan={first.key}").content.decode()
    assert f"/plans/items/?plan={first.key}&amp;department=" in page


def test_cached_dashboard_bodies_follow_each_users_plan(client, cast, plans, settings):
    # given the dashboard cache on, and two users who chose different plans
    settings.DASHBOARD_CACHE_SECONDS = 60
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "plan-scoping"}}
    first, second, _ = plans
    other_leader = user_with_role("leader-2", Role.LEADER)  # same role: the same cache key but for the plan
    _get(client, cast.leader, f"/reports/?plan={first.key}")
    _get(client, other_leader, f"/reports/?plan={second.key}")
    # when both open the same URL without ?plan=
    leader_page = _get(client, cast.leader, "/reports/").content.decode()
    admin_page = _get(client, other_leader, "/reports/").content.decode()
    # then each sees the plan they chose, not the one cached first
    assert "行动计划进展" in leader_page
    assert leader_page.count(first.title) > admin_page.count(first.title)
    assert admin_page.count(second.title) > leader_page.count(second.title)


def test_reports_api_unknown_plan_is_a_404_in_chinese(client, cast, plans):
    client.force_login(cast.leader)
    response = client.get("/api/reports/overview/?plan=nope")
    assert response.status_code == 404 and "没有标识或编号为 “nope” 的实施方案" in response.json()["detail"]


def test_item_page_links_carry_the_items_own_plan(client, cast, plans):
    # given the first plan remembered, and an item of the second
    first, second, _ = plans
    _get(client, cast.leader, f"/plans/?plan={first.key}")
    item = ActionItem.objects.filter(programme__plan=second).order_by("id").first()
    page = _get(client, cast.leader, reverse("plans:item", args=[item.pk])).content.decode()
    # then its programme, the plan's pages and the header open the second plan, never programme 1 of the first
    number = item.programme.number
    assert f'href="/plans/programmes/{number}/?plan={second.key}"' in page
    assert f'href="/plans/programmes/{number}/"' not in page
    for url in ["/plans/", "/plans/items/", "/plans/targets/"]:
        assert f'href="{url}?plan={second.key}"' in page, url
    assert f'href="/plans/?plan={first.key}"' not in page
    programme = _get(client, cast.leader, f"/plans/programmes/{number}/?plan={second.key}").content.decode()
    assert item.programme.name in programme
