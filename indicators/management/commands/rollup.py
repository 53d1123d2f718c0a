from django.core.management.base import BaseCommand

from indicators.services.rollup import rollup_run_all


class Command(BaseCommand):
    help = "汇总指标 (roll approved figures up into indicator values), every year or one"

    def add_arguments(self, parser):
        parser.add_argument("--period", "--year", dest="year", type=int, help="年度 (year), e.g. 2021")

    def handle(self, *args, year=None, **options):
        for run in rollup_run_all(trigger="manual", year=year):
            self.stdout.write(f"{run.year}: {run.rows_written} 行 (rows), {run.duration_ms} ms")
