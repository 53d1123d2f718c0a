from django.core.management.base import BaseCommand, CommandError

from edugov.management.demo import add_production_flag, refuse_in_production
from indicators.services.demo import PASSWORD, demo_data_load


class Command(BaseCommand):
    help = "生成东胜区演示数据(可重复运行,只补充缺少的行)。Load the demo district (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2019)
        parser.add_argument("--schools", type=int, default=150, help="学校数(约),测试时可用较小的数")
        parser.add_argument("--no-rollup", action="store_true", help="不运行汇总")
        add_production_flag(parser)

    def handle(self, *args, seed, schools, no_rollup, **options):
        refuse_in_production(options)
        if schools < 6:
            raise CommandError("--schools 至少为 6(每类学校至少一所)")
        try:
            result = demo_data_load(seed=seed, schools=schools)
        except LookupError as exc:
            raise CommandError(str(exc)) from None
        created = ", ".join(f"{key} +{value}" for key, value in result.created.items())
        self.stdout.write(self.style.SUCCESS(f"东胜区演示数据: {created}; 校验和 checksum {result.checksum}"))
        self.stdout.write(f"账号密码均为 {PASSWORD}:学校填报员 = 学校代码小写(如 dsk001),"
                          f"镇街审核员 = town-<镇街代码>,教体局 = bureau-admin / bureau-reviewer,领导 = leader")
        if not no_rollup:
            self._rollup()

    def _rollup(self):
        try:
            from indicators.services.rollup import rollup_run_all
        except ImportError:
            self.stdout.write(self.style.WARNING("汇总模块尚不可用,请稍后运行 manage.py rollup"))
            return
        rollup_run_all()
        self.stdout.write(self.style.SUCCESS("已完成指标汇总"))
