from django.contrib.auth.models import User
from django.core.management.base import BaseCommand
from django.db import transaction

from edugov.management.demo import add_production_flag, refuse_in_production
from edugov.models import Profile, Role
from plans.models import Department

PASSWORD = "edugov2019"
# Readable log-ins for the departments named in the Dongsheng plan (one per department: 编办 and 区委编办
# are aliases of 编委办, see plans.DepartmentAlias).
PINYIN = {
    "教体局": "jiaotiju", "财政局": "caizhengju", "住建局": "zhujianju", "自然资源分局": "ziranziyuan",
    "残联": "canlian", "民族事务委员会": "minwei", "发改委": "fagaiwei", "人社局": "renshe",
    "工信和科技局": "gongxin", "公安分局": "gongan", "卫健委": "weijianwei", "关工委": "guangongwei",
    "编委办": "bianweiban",
}


class Command(BaseCommand):
    help = "创建演示账号 (demo accounts), 密码均为 edugov2019"

    def add_arguments(self, parser):
        add_production_flag(parser)

    def handle(self, *args, **options):
        refuse_in_production(options)
        rows = []
        with transaction.atomic():
            rows.append(_account("admin", "教体局管理员", Role.BUREAU_ADMIN, superuser=True))
            rows.append(_account("leader", "区领导", Role.LEADER))
            rows.append(_account("reviewer", "教体局审核员", Role.BUREAU_REVIEWER))
            for index, department in enumerate(Department.objects.order_by("id"), start=1):
                username = PINYIN.get(department.name, f"dept{index:02d}")
                name = f"{department.name}工作人员"
                rows.append(_account(username, name, Role.DEPARTMENT_STAFF, department=department))
        for username, name, role in rows:
            self.stdout.write(f"{username:<14} {role:<18} {name}")
        self.stdout.write(f"密码 (password): {PASSWORD}")


def _account(username, full_name, role, *, superuser=False, **binding):
    user, created = User.objects.get_or_create(username=username, defaults={"first_name": full_name})
    if created:
        user.set_password(PASSWORD)
    user.is_staff = user.is_superuser = superuser
    user.save()
    Profile.objects.update_or_create(user=user, defaults={"role": role, **binding})
    return username, full_name, role
