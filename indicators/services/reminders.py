"""催报: reminding schools that have not reported, by hand from the period page or daily by the beat task.

Every reminder is a ``ReminderLog`` row (one per school, period and day, so a rerun or a second click sends
nothing twice) and a site notice to the school's reporters — the one channel every school has. An e-mail
goes too when the site has a real mail backend (``EMAIL_BACKEND`` set to something other than the console
or dummy backend) and the school or its reporters have an address. No SMS gateway is configured here; the
log's ``recipients`` says which channels were used.
"""
import datetime
import io
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from edugov.models import NoticeKind, Role
from edugov.notices import notice_send, school_reporters
from edugov.roles import profile_of, role_of
from edugov.xlsx import text_safe
from indicators.access import REVIEWERS
from indicators.models import ReminderLog, ReportingPeriod, School, Submission, SubmissionStatus
from indicators.selectors.collection import expected_schools

DONE = [SubmissionStatus.SUBMITTED, SubmissionStatus.CHECKED, SubmissionStatus.APPROVED]
_QUIET_BACKENDS = {"django.core.mail.backends.console.EmailBackend", "django.core.mail.backends.dummy.EmailBackend"}


def email_configured() -> bool:
    """Whether e-mail really leaves the server (the console and dummy backends only pretend)."""
    return settings.EMAIL_BACKEND not in _QUIET_BACKENDS


def reminder_schools_for(user) -> QuerySet:
    """The schools this account may remind: every school for the bureau's reviewers, its own town's for a
    town reviewer; nobody else sends 催报."""
    role = role_of(user)
    if role in REVIEWERS:
        return School.objects.all()
    if role == Role.TOWN_REVIEWER:
        return School.objects.filter(town_id=profile_of(user).town_id)
    raise PermissionDenied(_("只有教体局或镇街审核员可以催报"))


@dataclass
class ReminderResult:
    reminded: int = 0  # schools reminded now
    already_today: int = 0  # schools already reminded today for this period (nothing sent again)
    emailed: int = 0  # of the reminded, how many also got an e-mail


def reminders_send_now(*, period: ReportingPeriod, by, today: datetime.date | None = None) -> ReminderResult:
    """「催报」 from the period page: remind every school in ``by``'s scope that has not started the form."""
    scope = reminder_schools_for(by)
    if period.closed or period.dataset.is_district_level:
        raise PermissionDenied(_("该填报周期已关闭或不是学校填报的报表,无需催报"))
    today = today or timezone.localdate()
    started = Submission.objects.filter(period=period, school__isnull=False).values("school_id")
    schools = expected_schools(period).filter(pk__in=scope.values("pk")).exclude(pk__in=started)
    result = ReminderResult()
    for school in schools.select_related("town").order_by("code"):
        sent = _remind(period, school, today, by=by)
        if sent is None:
            result.already_today += 1
        else:
            result.reminded += 1
            result.emailed += sent
    return result


def reminders_send(*, today: datetime.date | None = None) -> int:
    """The daily task: remind every school that has not submitted as a deadline nears or passes."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=settings.REMINDER_DAYS_BEFORE)
    sent = 0
    periods = ReportingPeriod.objects.filter(closed=False, deadline__lte=horizon, opens_on__lte=today,
                                             dataset__is_district_level=False)
    for period in periods.select_related("dataset"):
        done = Submission.objects.filter(period=period, status__in=DONE).values("school_id")
        for school in expected_schools(period).exclude(pk__in=done):
            sent += _remind(period, school, today) is not None
    return sent


def _remind(period, school, today, *, by=None) -> int | None:
    """One reminder: None if this school was already reminded today for this period (or has nobody to
    tell), else 1 if an e-mail went too, 0 if only the site notice."""
    reporters = list(school_reporters(school))
    emails = _addresses(school, reporters) if email_configured() else []
    if not reporters and not emails:
        return None
    channels = [f"站内通知:{','.join(u.username for u in reporters)}"] if reporters else []
    if emails:
        channels.append(f"邮件:{','.join(emails)}")
    try:
        with transaction.atomic():
            ReminderLog.objects.create(period=period, school=school, sent_on=today, recipients=";".join(channels))
            subject, body = _message(period, school, today)
            notice_send(recipients=reporters, kind=NoticeKind.REMINDER, title=subject, body=body, sender=by,
                        url=reverse("indicators:home"))
    except IntegrityError:
        return None  # already reminded today
    if emails:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, emails)
    return 1 if emails else 0


def _message(period, school, today) -> tuple[str, str]:
    overdue = (today - period.deadline).days
    subject = f"【{'逾期' if overdue > 0 else '提醒'}】{period} 请尽快填报"
    state = f"已逾期 {overdue} 天" if overdue > 0 else "即将截止"
    body = (f"{school.name}:\n{period}的截止日期为{period.deadline:%Y年%m月%d日},{state},贵校尚未上报。"
            "请登录系统完成填报。")
    return subject, body


def _addresses(school, reporters) -> list[str]:
    emails = [user.email for user in reporters if user.email]
    return sorted({*emails, *([school.email] if school.email else [])})


# ---------------------------------------------------------------- the late list as a workbook


def late_schools_workbook(*, period: ReportingPeriod, rows: list[dict], today: datetime.date) -> bytes:
    """The schools not started and the late ones (``period_completeness``'s lists) as an .xlsx to hand
    round or phone through; every text cell goes through ``text_safe``."""
    import openpyxl
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "未上报学校"
    ws.append(text_safe(ws, [f"{period} · 未按时上报学校(截至 {today.year}年{today.month}月{today.day}日,"
                             f"截止日期 {period.deadline.year}年{period.deadline.month}月{period.deadline.day}日)"]))
    ws["A1"].font = Font(bold=True)
    ws.append(["镇/街道", "学校代码", "学校名称", "状态", "逾期天数", "已催报次数", "最近催报日期"])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in rows:
        last = row.get("last_reminded")
        ws.append(text_safe(ws, [row["town"], row["code"], row["name"], str(row["status_label"]),
                                 row["days_overdue"], row.get("reminders", 0),
                                 last.isoformat() if last else ""]))
    for letter, width in zip("ABCDEFG", (16, 12, 30, 12, 10, 12, 14), strict=True):
        ws.column_dimensions[letter].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
