"""The period page's 催报: schools not started with days overdue, a reminder recorded (site notice always, e-mail
when configured), the late list as Excel, an honest 按时上报率, and a town reviewer's counts limited to its town."""
import datetime
import io

import openpyxl
import pytest
from django.core import mail
from django.urls import reverse

from edugov.models import Notice, NoticeKind, Role
from indicators.models import ReminderLog, ReportingPeriod
from indicators.selectors.collection import period_completeness
from indicators.services import submissions as service
from indicators.services.reminders import reminders_send_now
from tests.collection_fixtures import kindergarten_form
from tests.factories import SchoolFactory, user_with_role


@pytest.fixture
def period(cast):
    return kindergarten_form(review_steps=2)


@pytest.fixture
def world(cast, period):
    """Town A: school_a submitted; school C (reporter, e-mail) and D (no reporter, no e-mail) not started.
    Town B: school_b not started."""
    service.submission_submit(
        submission=service.submission_save_values(
            submission=service.submission_open(period=period, school=cast.school_a, by=cast.reporter_a),
            by=cast.reporter_a, values={"kids": "100", "puhui": "80"}, expected_version=0),
        by=cast.reporter_a)
    school_c = SchoolFactory(town=cast.town_a, name="东胜区第三小学", email="c@school.cn")
    reporter_c = user_with_role("rep-c", Role.SCHOOL_REPORTER, school=school_c)
    school_d = SchoolFactory(town=cast.town_a, name="东胜区第四小学")
    return school_c, reporter_c, school_d


def overdue(period, days):
    ReportingPeriod.objects.filter(pk=period.pk).update(
        opens_on=datetime.date.today() - datetime.timedelta(days=days + 30),
        deadline=datetime.date.today() - datetime.timedelta(days=days))
    period.refresh_from_db()


def test_not_started_schools_are_listed_with_days_overdue(client, cast, period, world):
    school_c, _, school_d = world
    overdue(period, 6)
    client.force_login(cast.reviewer)
    page = client.get(reverse("indicators:review_period", args=[period.pk])).content.decode()
    listed = period_completeness(period=period)["not_started"]
    assert {row["code"] for row in listed} == {cast.school_b.code, school_c.code, school_d.code}
    assert all(row["days_overdue"] == 6 for row in listed)
    assert f'data-school="{school_c.code}"' in page and "逾期 6 天" in page
    assert f'data-school="{cast.school_a.code}"' not in page  # it has submitted


def test_reminder_sends_site_notices_and_mail_and_is_logged_once_a_day(client, cast, period, world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    school_c, reporter_c, _ = world
    client.force_login(cast.reviewer)
    response = client.post(reverse("indicators:remind", args=[period.pk]), follow=True)
    # school_b and C have reporters; D has nobody to tell and no address
    assert ReminderLog.objects.filter(period=period).count() == 2
    notices = Notice.objects.filter(kind=NoticeKind.REMINDER)
    assert {n.recipient for n in notices} == {cast.reporter_b, reporter_c}
    assert all(n.sender == cast.reviewer and str(period) in n.title for n in notices)
    assert [m.to for m in mail.outbox] == [["c@school.cn"]]
    assert "已向 2 所未开始填报的学校发送催报" in response.content.decode()
    # a second click the same day sends nothing again
    response = client.post(reverse("indicators:remind", args=[period.pk]), follow=True)
    assert ReminderLog.objects.count() == 2 and Notice.objects.count() == 2 and len(mail.outbox) == 1
    assert "今天已催报过" in response.content.decode()
    page = client.get(reverse("indicators:review_period", args=[period.pk])).content.decode()
    assert "已催报 1 次" in page


def test_without_mail_configured_only_the_site_notice_goes(cast, period, world, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    result = reminders_send_now(period=period, by=cast.reviewer)
    assert result.reminded == 2 and result.emailed == 0
    assert Notice.objects.filter(kind=NoticeKind.REMINDER).count() == 2
    assert "邮件" not in "".join(ReminderLog.objects.values_list("recipients", flat=True))


def test_town_reviewer_reminds_and_counts_only_its_town(client, cast, period, world):
    school_c, reporter_c, _ = world
    client.force_login(cast.town_reviewer)
    page = client.get(reverse("indicators:review_period", args=[period.pk])).content.decode()
    assert f'data-school="{cast.school_b.code}"' not in page
    assert 'data-count="expected">3</p>' in page  # 应报: school_a, C, D of town A
    progress = period_completeness(period=period, town_id=cast.town_a.pk)
    assert progress["expected"] == 3 and progress["counts"]["not_started"] == 2
    client.post(reverse("indicators:remind", args=[period.pk]))
    assert set(ReminderLog.objects.values_list("school_id", flat=True)) == {school_c.pk}
    assert not Notice.objects.filter(recipient=cast.reporter_b).exists()


def test_town_reviewer_home_counts_only_its_towns_forms(client, cast, period, world):
    service.submission_open(period=period, school=cast.school_b, by=cast.reporter_b)  # town B
    client.force_login(cast.town_reviewer)
    page = client.get(reverse("indicators:home")).content.decode()
    row = page[page.index(f"<td>{period.dataset.name_zh}</td>"):]  # the periods table, not the queue
    assert f'data-progress="{period.pk}">1/3<' in row[:row.index("</tr>")]  # 已提交/应报 in town A only


@pytest.mark.parametrize("who", ["reporter_a", "staff_edu", "leader", "outsider"])
def test_only_reviewers_may_remind(client, cast, period, world, who):
    client.force_login(getattr(cast, who))
    response = client.post(reverse("indicators:remind", args=[period.pk]))
    assert response.status_code == 403
    assert not ReminderLog.objects.exists() and not Notice.objects.exists()


def test_late_list_exports_to_excel(client, cast, period, world):
    school_c, _, school_d = world
    overdue(period, 3)
    client.force_login(cast.reviewer)
    reminders_send_now(period=period, by=cast.reviewer)
    response = client.get(reverse("indicators:late_export", args=[period.pk]))
    assert response.status_code == 200 and "filename*=UTF-8''" in response["Content-Disposition"]
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = {r[1]: r for r in ws.iter_rows(min_row=3, values_only=True)}
    # the three not started, and school_a, which submitted today: after the (moved) deadline
    assert set(rows) == {cast.school_a.code, cast.school_b.code, school_c.code, school_d.code}
    assert rows[school_c.code][4] == 3 and rows[school_c.code][5] == 1 and rows[school_d.code][5] == 0
    assert rows[school_c.code][3] == "未开始" and rows[cast.school_a.code][3] == "待审核"


@pytest.mark.parametrize(("who", "status", "rows"), [
    ("reviewer", 200, {"S_B", "S_C", "S_D"}), ("leader", 200, {"S_B", "S_C", "S_D"}),
    ("town_reviewer", 200, {"S_C", "S_D"}), ("reporter_a", 403, None), ("staff_edu", 403, None),
    ("outsider", 403, None)])
def test_late_export_by_role(client, cast, period, world, who, status, rows):
    school_c, _, school_d = world
    codes = {cast.school_b.code: "S_B", school_c.code: "S_C", school_d.code: "S_D"}
    client.force_login(getattr(cast, who))
    response = client.get(reverse("indicators:late_export", args=[period.pk]))
    assert response.status_code == status
    if rows is not None:  # a town reviewer's list holds its own town's schools only
        ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
        assert {codes[r[1]] for r in ws.iter_rows(min_row=3, values_only=True)} == rows


def test_on_time_rate_is_not_100_percent_before_the_deadline_while_schools_are_missing(client, cast, period,
                                                                                        world):
    client.force_login(cast.reviewer)
    progress = period_completeness(period=period)
    assert progress["rate_provisional"] is True and progress["ever_submitted"] == 1
    page = client.get(reverse("indicators:review_period", args=[period.pk])).content.decode()
    card = page[page.index('id="on-time"'):]
    card = card[:card.index("</div>")]
    assert "100%" not in card and "1/4" in card and "截止前暂不计算比率" in card


def test_after_the_deadline_missing_schools_count_against_the_rate(client, cast, period, world):
    overdue(period, 1)  # school_a submitted today, after the new deadline: late too
    progress = period_completeness(period=period)
    assert progress["rate_provisional"] is False and progress["on_time_share"] == 0
    client.force_login(cast.reviewer)
    page = client.get(reverse("indicators:review_period", args=[period.pk])).content.decode()
    assert 'data-rate="final">0%' in page


@pytest.mark.parametrize(("language", "text"), [("zh-hans", "未开始填报的学校"), ("en", "Schools not started")])
def test_period_page_in_both_languages(client, cast, period, world, language, text):
    client.force_login(cast.reviewer)
    client.cookies["django_language"] = language
    page = client.get(reverse("indicators:review_period", args=[period.pk])).content.decode()
    assert text in page
