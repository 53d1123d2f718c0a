import csv
import os

from django.core.management.base import BaseCommand, CommandError

from edugov.accounts import school_accounts_create
from indicators.models import School


class Command(BaseCommand):
    help = ("为每所在办学校创建填报员账号(用户名 = 学校代码小写),各配一个一次性密码,首次登录须修改。"
            "密码只在此输出一次,系统不保存明文。")

    def add_arguments(self, parser):
        parser.add_argument("--output", help="把账号和一次性密码写入此 CSV 文件(新文件,仅本人可读);不给则打印")
        parser.add_argument("--school", action="append", dest="codes", metavar="CODE",
                            help="只处理这些学校代码(可重复)")

    def handle(self, *args, output=None, codes=None, **options):
        schools = School.objects.filter(active=True).order_by("code")
        if codes:
            schools = schools.filter(code__in=codes)
        out = self._open(output) if output else self.stdout  # opened first: no accounts without their sheet
        created, skipped = school_accounts_create(schools=schools)
        writer = csv.writer(out)
        writer.writerow(["学校代码", "学校名称", "用户名", "一次性密码"])
        writer.writerows([a.school_code, a.school_name, a.username, a.password] for a in created)
        if output:
            out.close()
        self.stderr.write(f"已创建 {len(created)} 个学校账号,首次登录须修改密码;"
                          f"已有账号未改动 {len(skipped)} 个{':' + ', '.join(skipped) if skipped else ''}")

    def _open(self, path):
        try:
            # never overwrite: an earlier sheet of passwords may still be the only copy
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise CommandError(f"文件已存在,不覆盖:{path}") from None
        return open(fd, "w", newline="", encoding="utf-8-sig")
