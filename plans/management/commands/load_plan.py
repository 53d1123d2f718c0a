from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.services.loading import DEFAULT_FILE, PlanFileError, plan_load, read_plan_file


class Command(BaseCommand):
    help = "载入实施方案数据文件 (load a plan file; the Dongsheng 2019–2022 plan by default)"

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(DEFAULT_FILE))

    def handle(self, *args, file, **options):
        try:
            result = plan_load(data=read_plan_file(Path(file)))
        except PlanFileError as exc:
            raise CommandError(str(exc)) from None
        plan = result.plan
        if result.unchanged:
            self.stdout.write(f"{plan.title}: 无变化 (unchanged)")
            return
        created = ", ".join(f"{k} +{v}" for k, v in result.created.items())
        self.stdout.write(self.style.SUCCESS(f"{plan.title}: 已载入 (loaded) — {created}"))
