"""Recording progress on an action item: the only way an item's status and progress change."""
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from edugov.models import Role
from edugov.roles import role_of
from plans.access import can_update_item
from plans.models import ActionItem, ActionItemUpdate, Evidence, ItemStatus

# Extension → the first bytes such a file starts with (documents and images only).
_SIGNATURES = {
    ".pdf": (b"%PDF",),
    ".docx": (b"PK\x03\x04",), ".xlsx": (b"PK\x03\x04",), ".pptx": (b"PK\x03\x04",), ".odt": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0",), ".xls": (b"\xd0\xcf\x11\xe0",), ".ppt": (b"\xd0\xcf\x11\xe0",),
    ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",), ".png": (b"\x89PNG",),
}
_TEXT = {".txt"}
ALLOWED_EXTENSIONS = sorted(set(_SIGNATURES) | _TEXT)


def action_item_record_progress(
    *, item: ActionItem, by, status: str, progress: int, note: str, on_date: date | None = None, files=()
) -> ActionItemUpdate:
    if not can_update_item(by, item):
        raise PermissionDenied(_("只有责任部门的工作人员可以更新此条目"))
    refuse_if_archived(item.programme.plan)
    _validate(item=item, by=by, status=status, progress=progress, note=note, files=files)
    with transaction.atomic():
        item = ActionItem.objects.select_for_update().get(pk=item.pk)
        on_date = on_date or timezone.localdate()
        old_status, old_progress = _state_on(item, on_date)
        update = ActionItemUpdate.objects.create(
            item=item, by=by, on_date=on_date, old_status=old_status, status=status,
            old_progress=old_progress, progress=progress, note=note.strip(),
        )
        for upload in files:
            Evidence.objects.create(
                update=update, file=upload, original_name=upload.name[:255], size=upload.size,
                content_type=getattr(upload, "content_type", "") or "",
            )
        # The current state is the newest entry by the date it refers to: a back-dated entry joins the
        # history in its place and never overrides a later one.
        current = item.updates.order_by(*HISTORY_ORDER).first()
        item.status, item.progress, item.updated_at = current.status, current.progress, timezone.now()
        item.save(update_fields=["status", "progress", "updated_at"])
    return update


# An item's history, newest first by the date the progress refers to (then by when it was written).
HISTORY_ORDER = ("-on_date", "-at", "-id")


def _state_on(item: ActionItem, on_date: date) -> tuple[str, int]:
    """The item's state as of ``on_date``: the entry in force that day, so a back-dated entry's 「从 → 到」
    reads against what was true then, not against today's state."""
    before = item.updates.filter(on_date__lte=on_date).order_by(*HISTORY_ORDER).first()
    if before is not None:
        return before.status, before.progress
    first = item.updates.order_by("on_date", "at", "id").first()
    return (first.old_status, first.old_progress) if first else (item.status, item.progress)


def _validate(*, item, by, status, progress, note, files) -> None:
    errors: dict[str, list[str]] = {}
    if status not in ItemStatus.values:
        errors["status"] = [f"未知状态: {status!r}"]
    elif not _may_set_status(by, item, status):
        errors["status"] = [_("已完成的条目只能由教体局管理员改回其他状态")]
    if not isinstance(progress, int) or isinstance(progress, bool) or not 0 <= progress <= 100:
        errors["progress"] = [_("进度应为 0–100 之间的整数")]
    elif status == ItemStatus.DONE and progress != 100:
        errors["progress"] = [_("标记为已完成时进度应为100")]
    if not (note or "").strip():
        errors["note"] = [_("请填写进展说明")]
    file_errors = [message for upload in files for message in evidence_problems(upload)]
    if file_errors:
        errors["files"] = file_errors
    if errors:
        raise ValidationError(errors)


def refuse_if_archived(plan) -> None:
    """An archived plan is read-only: no progress, no revision."""
    if plan.archived:
        raise ValidationError({"__all__": [_("「%(plan)s」已归档,只可查看,不能再更新") % {"plan": plan.title}]})


def _may_set_status(by, item: ActionItem, status: str) -> bool:
    # A finished item is reopened only by the bureau: departments cannot quietly undo "done".
    return item.status != ItemStatus.DONE or status == ItemStatus.DONE or role_of(by) == Role.BUREAU_ADMIN


def evidence_problems(upload) -> list[str]:
    name = upload.name or ""
    extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        limit = settings.EVIDENCE_MAX_BYTES // (1024 * 1024)
        return [_("「%(name)s」超过 %(limit)s MB") % {"name": name, "limit": limit}]
    if extension not in ALLOWED_EXTENSIONS:
        return [_("「%(name)s」类型不允许,只能上传文档或图片:%(allowed)s") % {
            "name": name, "allowed": " ".join(ALLOWED_EXTENSIONS)}]
    head = upload.read(8)
    upload.seek(0)
    if extension in _TEXT:
        return [] if b"\x00" not in head else [_("「%(name)s」不是文本文件") % {"name": name}]
    if not head.startswith(_SIGNATURES[extension]):
        return [_("「%(name)s」的内容与扩展名不符") % {"name": name}]
    return []


def action_items_notify_overdue(*, today: date | None = None) -> int:
    """A site notice to each responsible department's staff for every item of a finished year not done
    (逾期未完成, ActionItem.overdue_q), once per item and person however often it runs. Returns how many."""
    from django.urls import reverse

    from edugov.models import NoticeKind
    from edugov.notices import department_staff, notice_send

    today = today or timezone.localdate()
    items = ActionItem.objects.filter(ActionItem.overdue_q(today), programme__plan__archived=False)
    sent = 0
    for item in items.prefetch_related("departments").order_by("year", "id"):
        sent += notice_send(
            recipients=department_staff(item.departments.all()), kind=NoticeKind.OVERDUE,
            title=_("%(year)s年行动计划条目逾期未完成:%(text)s") % {"year": item.year, "text": item.text[:40]},
            body=_("请更新进展或说明原因。"), url=reverse("plans:item", args=[item.pk]), key=f"overdue-item:{item.pk}",
        )
    return sent
