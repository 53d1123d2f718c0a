from django.core.management.base import BaseCommand

from indicators.services.imports import excel_uploads_clean


class Command(BaseCommand):
    help = "删除未确认导入的 Excel 上传文件 (delete Excel uploads never confirmed, older than the setting)"

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=float,
                            help="早于多少小时 (older than this many hours); default EXCEL_UPLOAD_MAX_AGE_HOURS")

    def handle(self, *args, hours=None, **options):
        deleted = excel_uploads_clean(max_age_hours=hours)
        self.stdout.write(f"已删除 {deleted} 个文件 (files deleted)")
