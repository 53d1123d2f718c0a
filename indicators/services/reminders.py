"""E-mail schools that have not submitted as a deadline nears or passes."""
import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from edugov.models import Role
from indicators.models import ReminderLog, ReportingPeriod, Submission, SubmissionStatus
from indicators.selectors.collection import expected_schools

DONE = [SubmissionStatus.SUBMITTED, SubmissionStatus.CHECKED, SubmissionStatus.APPROVED]


def reminders_send(*, today: datetime.date | None = None) -> int:
    """Send today's reminders; a school already reminded today for a period is skipped."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=settings.REMINDER_DAYS_BEFORE)
    sent = 0
    periods = ReportingPeriod.objects.filter(closed=False, deadline__lte=horizon, opens_on__lte=today)
    for period in periods.select_related("dataset"):
        done = Submission.objects.filter(period=period, status__in=DONE).values("school_id")
        for school in expected_schools(period).exclude(pk__in=done):
            sent += _remind(period, school, today)
    return sent


def _remind(period, school, today) -> int:
    recipients = _addresses(school)
    if not recipients:
        return 0
    try:
        with transaction.atomic():
            ReminderLog.objects.create(period=period, school=school, sent_on=today, recipients=",".join(recipients))
    except IntegrityError:
        return 0  # already reminded today
    overdue = today > period.deadline
    subject = f"【{'逾期' if overdue else '提醒'}】{period} 请尽快填报"
    body = (f"{school.name}:\n{period}的截止日期为{period.deadline:%Y年%m月%d日},"
            f"{'已逾期' if overdue else '即将截止'},贵校尚未上报。请登录系统完成填报。")
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    return 1


def _addresses(school) -> list[str]:
    users = get_user_model().objects.filter(profile__school=school, profile__role=Role.SCHOOL_REPORTER)
    emails = [email for email in users.values_list("email", flat=True) if email]
    return sorted({*emails, *([school.email] if school.email else [])})
