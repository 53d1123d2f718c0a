import hashlib
from datetime import date

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from edugov.management.demo import add_production_flag, refuse_in_production
from edugov.models import Role
from plans.models import ActionItem, ItemStatus
from plans.services.progress import action_item_record_progress

# Share of items done by the end of each plan year, as a bureau might report it.
DONE_SHARE = {0: 95, 1: 85, 2: 70, 3: 45}
NOTES = {ItemStatus.DONE: "已按计划完成,佐证材料已归档。", ItemStatus.IN_PROGRESS: "正在推进,已完成主要环节。",
         ItemStatus.DELAYED: "受资金和审批进度影响,进度滞后。"}


def _draw(item: ActionItem) -> int:
    """A stable number 0–99 per item, so the demo is the same on every machine."""
    key = f"{item.year}-{item.programme.number}-{item.order}".encode()
    return int(hashlib.sha256(key).hexdigest(), 16) % 100


class Command(BaseCommand):
    help = "为演示记录行动计划进展(可重复运行,只处理尚无记录的条目)。Record demo progress on action items."

    def add_arguments(self, parser):
        add_production_flag(parser)

    def handle(self, *args, **options):
        refuse_in_production(options)
        users = {p.department_id: p.user for p in _staff()}
        if not users:
            raise CommandError("请先运行 demo_accounts 创建部门账号 (run demo_accounts first)")
        recorded = 0
        items = ActionItem.objects.filter(updates__isnull=True).select_related("programme__plan").prefetch_related(
            "departments").order_by("year", "programme__number", "order")
        for item in items:
            by = next((users[d.id] for d in item.departments.all() if d.id in users), None)
            if by is None:
                continue
            status, progress = self._status(item)
            if status == ItemStatus.NOT_STARTED:
                continue
            action_item_record_progress(item=item, by=by, status=status, progress=progress, note=NOTES[status],
                                        on_date=date(item.year, 12, 20))
            recorded += 1
        self.stdout.write(self.style.SUCCESS(f"已记录演示进展 {recorded} 条 (demo progress recorded)"))

    def _status(self, item: ActionItem) -> tuple[str, int]:
        draw, first = _draw(item), item.programme.plan.start_year
        share = DONE_SHARE.get(item.year - first, 40)
        if draw < share:
            return ItemStatus.DONE, 100
        if draw < share + (100 - share) // 2:
            return ItemStatus.IN_PROGRESS, 30 + draw % 60
        if draw % 3 == 0:
            return ItemStatus.NOT_STARTED, 0
        return ItemStatus.DELAYED, draw % 50


def _staff():
    return [u.profile for u in User.objects.filter(profile__role=Role.DEPARTMENT_STAFF).select_related("profile")]
