"""Site notices (站内通知): the one channel every user has. Services write them, the header counts them.

``notice_send`` is called by the services whose events people must hear of (a form returned or approved,
a reminder, an item overdue), inside their transaction, so a notice exists exactly when its event does.
"""
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from edugov.models import Notice, NoticeKind, Role


def notice_send(*, recipients: Iterable, kind: NoticeKind, title: str, body: str = "", url: str = "",
                sender=None, key: str = "") -> int:
    """One notice per recipient; with ``key``, a recipient who already has that key gets nothing again.
    Returns how many were written."""
    written = 0
    for user in {u.pk: u for u in recipients}.values():
        notice = Notice(recipient=user, kind=kind, title=title[:200], body=body, url=url[:300], sender=sender,
                        key=key[:100])
        if not key:
            notice.save()
            written += 1
            continue
        try:
            with transaction.atomic():  # a savepoint: a duplicate key must not break the caller's transaction
                notice.save()
            written += 1
        except IntegrityError:
            continue
    return written


def notice_mark_read(*, user, notice_ids: Iterable[int] | None = None) -> int:
    """Mark the user's notices read (all unread ones when ``notice_ids`` is None); never anyone else's."""
    unread = Notice.objects.filter(recipient=user, read_at__isnull=True)
    if notice_ids is not None:
        unread = unread.filter(pk__in=list(notice_ids))
    return unread.update(read_at=timezone.now())


def notices_for(user) -> QuerySet:
    return Notice.objects.filter(recipient=user).select_related("sender")


def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()


def school_reporters(school) -> QuerySet:
    """The accounts that fill in ``school``'s forms: who hears of its returns, approvals and reminders."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(profile__school=school, profile__role=Role.SCHOOL_REPORTER,
                                           is_active=True)


def department_staff(departments) -> QuerySet:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(profile__department__in=departments,
                                           profile__role=Role.DEPARTMENT_STAFF, is_active=True).distinct()
