"""Excel uploads wait on disk between preview and confirm; those never confirmed are deleted on a schedule."""
import os
import time

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from indicators.services.imports import excel_upload_dir, excel_uploads_clean
from indicators.tasks import clean_excel_uploads

HOUR = 3600


@pytest.fixture
def uploads(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.EXCEL_UPLOAD_MAX_AGE_HOURS = 24
    folder = excel_upload_dir()

    def upload(name: str, age_hours: float):
        path = folder / name
        path.write_bytes(b"PK\x03\x04 figures")
        then = time.time() - age_hours * HOUR
        os.utime(path, (then, then))
        return path

    return upload


def test_only_uploads_older_than_the_limit_are_deleted(uploads):
    abandoned, yesterday_evening, fresh = uploads("a.xlsx", 30), uploads("b.xlsx", 23), uploads("c.xlsx", 0.1)
    assert excel_uploads_clean() == 1
    assert not abandoned.exists() and yesterday_evening.exists() and fresh.exists()


def test_limit_comes_from_the_setting(uploads, settings):
    settings.EXCEL_UPLOAD_MAX_AGE_HOURS = 2
    old, fresh = uploads("a.xlsx", 3), uploads("b.xlsx", 1)
    assert excel_uploads_clean() == 1 and not old.exists() and fresh.exists()


def test_other_files_in_media_are_left_alone(uploads, tmp_path):
    evidence = tmp_path / "evidence" / "1" / "old.xlsx"
    evidence.parent.mkdir(parents=True)
    evidence.write_bytes(b"x")
    os.utime(evidence, (time.time() - 100 * HOUR,) * 2)
    uploads("a.xlsx", 100)
    assert excel_uploads_clean() == 1 and evidence.exists()


def test_task_is_idempotent_and_scheduled(uploads):
    uploads("a.xlsx", 48)
    assert clean_excel_uploads.apply().get() == 1
    assert clean_excel_uploads.apply().get() == 0
    scheduled = [entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()]
    assert clean_excel_uploads.name in scheduled


def test_management_command_runs_it_by_hand(uploads, capsys):
    old, newer = uploads("a.xlsx", 10), uploads("b.xlsx", 1)
    call_command("clean_excel_uploads", "--hours", "5")
    assert not old.exists() and newer.exists()
    assert "已删除 1 个文件" in capsys.readouterr().out


def test_confirmed_import_leaves_no_file_behind(client, cast, settings, tmp_path):
    # the other half of the rule: only abandoned uploads are left for the sweep
    import io

    import openpyxl
    from django.urls import reverse

    from indicators.models import DataSet, ReportingPeriod
    from indicators.services.definitions import DEFAULT_FILE, definitions_load, definitions_read
    from indicators.services.imports import excel_template_build

    settings.MEDIA_ROOT = tmp_path
    definitions_load(data=definitions_read(DEFAULT_FILE))
    period = ReportingPeriod.objects.create(dataset=DataSet.objects.get(code="school_yearly"), year=2022,
                                            opens_on="2022-09-01", deadline="2022-10-31")
    wb = openpyxl.load_workbook(io.BytesIO(excel_template_build(period=period, by=cast.reporter_a)))
    ws = wb.worksheets[0]
    ws.cell(row=3, column=[c.value for c in ws[1]].index("teachers") + 1, value=60)
    upload = io.BytesIO()
    wb.save(upload)
    upload.seek(0)
    upload.name = "figures.xlsx"
    client.force_login(cast.reporter_a)
    client.post(reverse("indicators:excel_upload"), {"period": period.id, "file": upload})
    assert len(list(excel_upload_dir().glob("*.xlsx"))) == 1
    client.post(reverse("indicators:excel_confirm"))
    assert list(excel_upload_dir().glob("*.xlsx")) == []
