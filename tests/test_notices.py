"""站内通知: created on a return, an approval, a reminder and an overdue item; the list page, opening one, marking
read (one's own only), and the unread count in the header."""
import pytest
from django.urls import reverse
from django.utils import timezone

from edugov.models import Notice, NoticeKind
from edugov.notices import notice_send
from indicators.services import submissions as service
from plans.models import ActionItem, ItemStatus, Plan, Programme
from plans.services.progress import action_items_notify_overdue
from tests.collection_fixtures import kindergarten_form


@pytest.fixture
def submitted(cast):
    period = kindergarten_form(review_steps=1)
    submission = service.submission_open(period=period, school=cast.school_a, by=cast.reporter_a)
    submission = service.submission_save_values(submission=submission, by=cast.reporter_a,
                                                values={"kids": "100", "puhui": "80"}, expected_version=0)
    return service.submission_submit(submission=submission, by=cast.reporter_a)


def test_a_return_tells_the_school_with_the_reason(cast, submitted):
    service.submission_review(submission=submitted, by=cast.reviewer, approve=False, reason="教师数与上年差异过大")
    notice = Notice.objects.get(recipient=cast.reporter_a)
    assert notice.kind == NoticeKind.RETURNED and "被退回" in notice.title
    assert "教师数与上年差异过大" in notice.body and notice.sender == cast.reviewer
    assert notice.url == reverse("indicators:submission_form", args=[submitted.pk])
    assert not Notice.objects.exclude(recipient=cast.reporter_a).exists()  # school_b's reporter hears nothing


def test_an_approval_tells_the_school(cast, submitted):
    service.submission_review(submission=submitted, by=cast.reviewer, approve=True)
    assert list(Notice.objects.values_list("recipient__username", "kind")) == [("reporter_a", NoticeKind.APPROVED)]


def test_a_town_check_is_not_an_approval(cast):
    period = kindergarten_form(review_steps=2)
    submission = service.submission_open(period=period, school=cast.school_a, by=cast.reporter_a)
    submission = service.submission_save_values(submission=submission, by=cast.reporter_a,
                                                values={"kids": "100", "puhui": "80"}, expected_version=0)
    submission = service.submission_submit(submission=submission, by=cast.reporter_a)
    service.submission_review(submission=submission, by=cast.town_reviewer, approve=True)
    assert not Notice.objects.exists()
    service.submission_review(submission=submission, by=cast.reviewer, approve=True)
    assert Notice.objects.get().kind == NoticeKind.APPROVED


def test_overdue_items_notify_their_department_once(cast):
    today = timezone.localdate()
    plan = Plan.objects.create(key="p", title="测试方案", start_year=today.year - 2, end_year=today.year + 1)
    programme = Programme.objects.create(plan=plan, number=1, name="工程一")
    late = ActionItem.objects.create(programme=programme, year=today.year - 1, order=1, text="建设智慧校园",
                                     status=ItemStatus.IN_PROGRESS)
    done = ActionItem.objects.create(programme=programme, year=today.year - 1, order=2, text="已完成的条目",
                                     status=ItemStatus.DONE)
    current = ActionItem.objects.create(programme=programme, year=today.year, order=3, text="今年的条目")
    for item in (late, done, current):
        item.departments.set([cast.education])
    assert action_items_notify_overdue(today=today) == 1
    notice = Notice.objects.get()
    assert notice.recipient == cast.staff_edu and notice.kind == NoticeKind.OVERDUE and "建设智慧校园" in notice.title
    assert notice.url == reverse("plans:item", args=[late.pk])
    assert action_items_notify_overdue(today=today) == 0 and Notice.objects.count() == 1


def test_header_shows_the_unread_count_and_the_list_marks_read(client, cast, submitted):
    service.submission_review(submission=submitted, by=cast.reviewer, approve=False, reason="请核对")
    notice_send(recipients=[cast.reporter_a], kind=NoticeKind.REMINDER, title="请尽快填报")
    client.force_login(cast.reporter_a)
    page = client.get(reverse("indicators:home")).content.decode()
    assert 'data-unread="2"' in page and '<span class="count"' in page
    listing = client.get(reverse("notices")).content.decode()
    assert "请尽快填报" in listing and "被退回" in listing and listing.count("未读</strong>") == 2
    # opening one marks it read and goes to its page
    returned = Notice.objects.get(kind=NoticeKind.RETURNED)
    response = client.get(reverse("notice_open", args=[returned.pk]))
    assert response.status_code == 302 and response["Location"] == returned.url
    assert 'data-unread="1"' in client.get(reverse("notices")).content.decode()
    # marking all read empties the count
    client.post(reverse("notices_read_all"))
    page = client.get(reverse("indicators:home")).content.decode()
    assert 'data-unread="0"' in page and '<span class="count"' not in page


def test_nobody_opens_or_marks_another_persons_notice(client, cast):
    notice_send(recipients=[cast.reporter_a], kind=NoticeKind.REMINDER, title="请尽快填报")
    notice = Notice.objects.get()
    client.force_login(cast.reporter_b)
    assert client.get(reverse("notice_open", args=[notice.pk])).status_code == 404
    client.post(reverse("notices_read_all"))
    assert "请尽快填报" not in client.get(reverse("notices")).content.decode()
    notice.refresh_from_db()
    assert notice.read_at is None


def test_a_notice_never_redirects_off_site(client, cast):
    notice_send(recipients=[cast.reporter_a], kind=NoticeKind.REMINDER, title="x", url="//evil.example/")
    client.force_login(cast.reporter_a)
    response = client.get(reverse("notice_open", args=[Notice.objects.get().pk]))
    assert response["Location"] == reverse("notices")


def test_anonymous_is_sent_to_log_in(client):
    assert client.get(reverse("notices")).status_code == 302
    assert client.post(reverse("notices_read_all")).status_code == 302


@pytest.mark.parametrize(("language", "text"), [("zh-hans", "站内通知"), ("en", "Notices")])
def test_notice_page_in_both_languages(client, cast, language, text):
    client.force_login(cast.reporter_a)
    client.cookies["django_language"] = language
    page = client.get(reverse("notices")).content.decode()
    assert text in page


def test_overdue_notices_by_hand_and_by_the_daily_task(cast):
    import io

    from django.core.management import call_command

    from edugov.tasks import notify_overdue_items

    today = timezone.localdate()
    plan = Plan.objects.create(key="p", title="测试方案", start_year=today.year - 1, end_year=today.year)
    programme = Programme.objects.create(plan=plan, number=1, name="工程一")
    item = ActionItem.objects.create(programme=programme, year=today.year - 1, order=1, text="逾期的条目")
    item.departments.set([cast.finance])
    out = io.StringIO()
    call_command("notify_overdue_items", stdout=out)
    assert "已发送 1 条" in out.getvalue()
    assert notify_overdue_items() == 0  # once per item and person
    assert list(Notice.objects.values_list("recipient__username", flat=True)) == ["staff_fin"]
