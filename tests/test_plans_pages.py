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
    # The 2022 table (85%) counts until the bureau decides; the admin may choose the overall goal (86%).
    target = AnnualTarget.objects.get(measure="puhui_kindergarten_coverage", year=2022)
    overall = target.sources.get(section="总体目标")
    client.force_login(getattr(cast, member))
    assert client.post(reverse("plans:resolve", args=[overall.pk])).status_code == status
    target.refresh_from_db()
    assert (float(target.value), target.conflict_resolved) == ((86, True) if status == 302 else (85, False))


def test_targets_page_shows_both_sources_and_why_they_conflict(client, cast, plan):
    client.force_login(cast.leader)
    html = client.get(reverse("plans:targets"), {"year": 2022, "conflict": "1"}).content.decode()
    row = html[html.index('data-measure="kg_grade_2a_plus_share"'):]
    row = row[:row.index("</tr>")]
    # same 70% in all three sentences, flagged for the grade words
    assert "限定词不同:二级一类 / 二级乙类" in row and row.count("(≥70%)") == 3
    assert "70%的幼儿园达到二级乙类及以上水平" in row and "70%的幼儿园达到二级一类及以上等级水平" in row
    assert "暂按最具体的年度表述" in row


def test_滞后_and_逾期未完成_mean_one_thing_each_on_every_page(client, cast, plan):
    # given a few self-reported statuses, read in 2023 when every year of the plan has ended
    import datetime
    from unittest import mock

    from reports.selectors.actions import actions_payload

    ActionItem.objects.filter(year=2019).update(status=ItemStatus.DONE, progress=100)
    ActionItem.objects.filter(year=2020, order=1).update(status=ItemStatus.DELAYED)
    ActionItem.objects.filter(year=2021, order=2).update(status=ItemStatus.IN_PROGRESS)
    today = datetime.date(2023, 3, 1)
    delayed = ActionItem.objects.filter(status=ItemStatus.DELAYED).count()
    overdue = [i.pk for i in ActionItem.objects.all() if i.is_overdue(today)]
    assert 0 < delayed < len(overdue)
    client.force_login(cast.leader)
    with mock.patch("django.utils.timezone.localdate", return_value=today):
        items = client.get(reverse("plans:items"))
        only_overdue = client.get(reverse("plans:items"), {"overdue": "1"})
        overview = client.get(reverse("plans:overview"))
    # then the items page, its overdue filter, the plan overview and the actions dashboard agree
    assert items.context["counts"][ItemStatus.DELAYED] == delayed
    assert items.context["overdue_total"] == overview.context["overdue_total"] == len(overdue)
    assert only_overdue.context["total"] == len(overdue)
    actions = actions_payload(plan=plan, today=today)
    assert (actions["delayed_total"], actions["overdue_total"]) == (delayed, len(overdue))
    assert "逾期未完成:所属年度已结束仍未完成的条目" in items.content.decode()


def test_item_page_flags_an_overdue_item_as_the_lists_do(client, cast, plan):
    # given a 2019 item still in progress at 66%, read in 2023, and a done 2019 item
    import datetime
    from unittest import mock

    late = ActionItem.objects.filter(year=2019).order_by("id").first()
    done = ActionItem.objects.filter(year=2019).exclude(pk=late.pk).order_by("id").first()
    ActionItem.objects.filter(pk=late.pk).update(status=ItemStatus.IN_PROGRESS, progress=66)
    ActionItem.objects.filter(pk=done.pk).update(status=ItemStatus.DONE, progress=100)
    client.force_login(cast.leader)
    with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2023, 3, 1)):
        late_page = client.get(reverse("plans:item", args=[late.pk])).content.decode()
        done_page = client.get(reverse("plans:item", args=[done.pk])).content.decode()
        listed = client.get(reverse("plans:items"), {"overdue": "1", "year": 2019, "q": late.text[:20]})
    # then the item page carries the same 逾期未完成 badge as the items list
    assert f'href="{reverse("plans:item", args=[late.pk])}"' in listed.content.decode()
    assert '<span class="badge overdue" id="item-overdue">逾期未完成</span>' in late_page
    assert 'id="item-overdue"' not in done_page
