from django.core.management.base import BaseCommand

from plans.services.progress import action_items_notify_overdue


class Command(BaseCommand):
    help = "站内通知:提醒责任部门逾期未完成的行动计划条目(每条每人只提醒一次;beat 每天运行)"

    def handle(self, *args, **options):
        sent = action_items_notify_overdue()
        self.stdout.write(f"已发送 {sent} 条逾期条目通知")
