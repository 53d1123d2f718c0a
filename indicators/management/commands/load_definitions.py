from django.core.management.base import BaseCommand, CommandError

from indicators.services.definitions import DEFAULT_FILE, DefinitionsError, definitions_load, definitions_read


class Command(BaseCommand):
    help = "导入数据项、报表、校验规则、指标和目标-指标对应(可重复运行)。Load data definitions (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(DEFAULT_FILE), help="JSON 文件,默认为东胜区定义")

    def handle(self, *args, file, **options):
        try:
            result = definitions_load(data=definitions_read(file))
        except DefinitionsError as exc:
            lines = "\n".join(f"  - {problem}" for problem in exc.problems)
            raise CommandError(f"定义文件有 {len(exc.problems)} 处错误,未导入任何内容:\n{lines}") from None
        for warning in result.warnings:
            self.stderr.write(self.style.WARNING(warning))
        counts = ", ".join(f"{key} {value}" for key, value in result.counts.items())
        self.stdout.write(self.style.SUCCESS(f"已导入 {file}: {counts}"))
