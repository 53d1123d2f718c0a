import pytest
from django.urls import reverse

from plans.models import ActionItem, AnnualTarget, ItemStatus
from plans.services.loading import DEFAULT_FILE, plan_load, read_plan_file


@pytest.fixture
def plan(cast):
    return plan_load(data=read_plan_file(DEFAULT_FILE)).plan


PAGES = [("plans:overview", []), ("plans:programme", [2]), ("plans:items", []), ("plans:targets", [])]


@pytest.mark.parametrize("name, args", PAGES)
@pytest.mark.parametrize("language, word", [("zh-hans", "行动计划条目"), ("en", "Action items")])
def test_plan_pages_render_in_both_languages(client, cast, plan, name, args, language, word):
    client.force_login(cast.leader)
    client.cookies["django_language"] = language
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    assert word in response.content.decode()


def test_item_filters_and_counts(client, cast, plan):
    ActionItem.objects.filter(year=2020, programme__number=2, order=1).update(status=ItemStatus.DONE, progress=100)
    client.force_login(cast.leader)
    response = client.get(reverse("plans:items"), {"department": cast.finance.pk, "year": 2020})
    expected = ActionItem.objects.filter(departments=cast.finance, year=2020)
    assert response.context["total"] == expected.count() > 0
    assert response.context["counts"][ItemStatus.DONE] == 1
    assert {i.pk for i in response.context["page"].object_list} <= set(expected.values_list("pk", flat=True))


def test_bad_filter_is_reported_not_crashing(client, cast, plan):
    client.force_login(cast.leader)
    response = client.get(reverse("plans:items"), {"year": "二〇二〇"})
    assert response.status_code == 200 and response.context["form_errors"]


def test_targets_page_highlights_conflicts(client, cast, plan):
    client.force_login(cast.leader)
    html = client.get(reverse("plans:targets"), {"year": 2022, "conflict": "1"}).content.decode()
    assert "原文表述冲突" in html and "普惠性幼儿园覆盖率" in html
    assert "采用此表述" not in html  # a leader changes nothing


@pytest.mark.parametrize("member, status", [("admin", 302), ("leader", 403), ("staff_edu", 403)])
def test_only_admin_resolves_a_conflict(client, cast, plan, member, status):
    target = AnnualTarget.objects.get(measure="puhui_kindergarten_coverage", year=2022)
    table = target.sources.get(section="2022年行动计划表")
    client.force_login(getattr(cast, member))
    assert client.post(reverse("plans:resolve", args=[table.pk])).status_code == status
    target.refresh_from_db()
    assert (float(target.value), target.conflict_resolved) == ((85, True) if status == 302 else (86, False))
