"""Hostile uploads to the Excel import: zip bombs (honest and lying headers), measured for memory in a
separate process, and a stale <dimension> tag that used to hide rows."""
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from indicators import excel
from indicators.models import DataSet, ReportingPeriod, SubmissionValue
from indicators.services.definitions import DEFAULT_FILE, definitions_load, definitions_read
from indicators.services.imports import excel_parse, excel_template_build
from tests.security.zipbombs import SHEET, bomb

ROOT = Path(__file__).resolve().parents[2]
MEMORY_CAP_MB = 300


@pytest.fixture
def period(cast):
    definitions_load(data=definitions_read(DEFAULT_FILE))
    return ReportingPeriod.objects.create(dataset=DataSet.objects.get(code="school_yearly"), year=2022,
                                          opens_on="2022-09-01", deadline="2022-10-31")


@pytest.fixture
def template(cast, period) -> bytes:
    return excel_template_build(period=period, by=cast.admin)


def messages_of(data: bytes, period, user) -> list[str]:
    preview = excel_parse(io.BytesIO(data), period=period, by=user)
    assert not preview.ok and not preview.rows
    return [str(p) for p in preview.problems]


# --- zip bombs -------------------------------------------------------------------------------------


def test_bomb_of_one_gib_is_refused_by_its_declared_size(cast, period, template):
    # given a signed template whose sheet XML holds a 1 GiB string, ~1 MB on disk
    data = bomb(template)
    assert len(data) < 2 * 1024 * 1024
    # then it is refused, saying why, and nothing is saved
    [message] = messages_of(data, period, cast.admin)
    assert "解压后过大(1024 MB)" in message and "最多允许 50 MB" in message
    assert not SubmissionValue.objects.exists()


def test_member_holding_more_than_it_declares_is_refused(cast, period, template):
    # given the same bomb whose zip headers claim its sheet is 10 KB
    data = bomb(template, declared_size=10_000)
    assert zipfile.ZipFile(io.BytesIO(data)).getinfo(SHEET).file_size == 10_000
    # then the declared sizes pass, and the bytes really inflated give it away
    [message] = messages_of(data, period, cast.admin)
    assert "实际比声明的 10000 字节更大" in message and SHEET in message


def test_member_compressed_beyond_the_ratio_is_refused(cast, period, template):
    # 20 MiB (under the 50 MB total) compressed ~1,000 times
    [message] = messages_of(bomb(template, mib=20), period, cast.admin)
    assert "压缩比异常" in message and "最多允许 100 倍" in message


def test_total_uncompressed_size_counts_every_member(cast, period, template, settings):
    members = zipfile.ZipFile(io.BytesIO(template)).infolist()
    limit = max(m.file_size for m in members) + 1  # each member is under it, their sum is not
    settings.EXCEL_MAX_UNCOMPRESSED_BYTES = limit
    assert max(m.file_size for m in members) < limit < sum(m.file_size for m in members)
    [message] = messages_of(template, period, cast.admin)
    assert "解压后过大" in message


def test_ordinary_template_passes_the_archive_checks(cast, period, template):
    preview = excel_parse(io.BytesIO(template), period=period, by=cast.admin)
    assert preview.ok, [str(p) for p in preview.problems]


@pytest.mark.parametrize("declared", [None, 10_000])
def test_upload_page_refuses_a_bomb_with_a_message_not_a_5xx(client, cast, period, template, declared):
    client.force_login(cast.reporter_a)
    upload = io.BytesIO(bomb(template, declared_size=declared))
    upload.name = "figures.xlsx"
    response = client.post(reverse("indicators:excel_upload"), {"period": period.id, "file": upload})
    assert response.status_code == 200
    html = response.content.decode()
    assert ("解压后过大" if declared is None else "实际比声明的") in html
    assert not SubmissionValue.objects.exists()


_CHILD = """
import json, os, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (2 * 1024 ** 3, 2 * 1024 ** 3))  # a regression fails, not the machine
import django
django.setup()


def high_water_kb():
    # VmHWM is this process's own peak: ru_maxrss would also count the forked pytest worker's pages,
    # which Linux carries across exec (a large worker read as a 440 MB "peak")
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))


from indicators import excel
before = high_water_kb()
data = open(sys.argv[1], "rb").read()
started = time.monotonic()
try:
    excel.workbook_open(data, max_bytes=20 * 1024 * 1024)
    outcome = "accepted"
except excel.WorkbookRefused as exc:
    outcome = str(exc)
except MemoryError:
    outcome = "MemoryError"
print(json.dumps({"outcome": outcome, "seconds": time.monotonic() - started, "before_kb": before,
                  "peak_kb": high_water_kb()}))
"""


def _refuse_in_child(path: Path) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "edugov.settings", "SECRET_KEY": django_settings.SECRET_KEY}
    done = subprocess.run([sys.executable, "-c", _CHILD, str(path)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(("declared", "expected"), [(None, "解压后过大"), (10_000, "实际比声明的")])
def test_worker_memory_stays_under_300_mb_while_refusing_a_bomb(tmp_path, declared, expected):
    # given a 1 GiB bomb (honest or lying headers) in a file, as an upload is kept on disk
    template = excel.template_write(dataset_code="school_yearly", period_id=1, title="t",
                                    columns=[excel.TemplateColumn("teachers", "专任教师数(人)")], rows=[])
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(bomb(template, declared_size=declared))
    # when a fresh process (a web worker's stand-in) reads and refuses it
    report = _refuse_in_child(path)
    # then it says why, and its peak resident memory (VmHWM, KB) stays under the cap
    assert expected in report["outcome"], report
    peak_mb = report["peak_kb"] / 1024
    print(f"bomb refusal ({'lying' if declared else 'honest'} header): peak RSS {peak_mb:.0f} MB "
          f"(after start-up {report['before_kb'] / 1024:.0f} MB), {report['seconds']:.2f} s")
    assert peak_mb < MEMORY_CAP_MB


# --- stale <dimension> -----------------------------------------------------------------------------


def _with_dimension(data: bytes, ref: str) -> bytes:
    """The same workbook with its sheet's <dimension> tag rewritten, as some writers leave it stale."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == SHEET:
                start = content.index(b"<dimension ref=\"")
                end = content.index(b"\"", start + len(b"<dimension ref=\""))
                content = content[:start] + f'<dimension ref="{ref}'.encode() + content[end:]
            target.writestr(info, content)
    return out.getvalue()


def test_rows_below_a_stale_dimension_tag_are_read(cast, period):
    # given 60 schools' figures in a template whose <dimension> claims only A1:C3
    from tests.factories import SchoolFactory

    schools = [SchoolFactory() for _ in range(58)]
    wb = openpyxl.load_workbook(io.BytesIO(excel_template_build(period=period, by=cast.admin)))
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=3):
        row[header.index("enrolled_start")].value = 800
    out = io.BytesIO()
    wb.save(out)
    data = _with_dimension(out.getvalue(), "A1:C3")
    reopened = openpyxl.load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    assert (reopened.max_row, reopened.max_column) == (3, 3)  # what openpyxl would have believed
    # when it is parsed
    preview = excel_parse(io.BytesIO(data), period=period, by=cast.admin)
    # then every school's row and the column beyond C are read, nothing dropped
    assert preview.ok, [str(p) for p in preview.problems]
    assert len(preview.rows) == len(schools) + 2 and preview.value_count == len(schools) + 2


def test_stale_dimension_cannot_smuggle_rows_past_the_row_limit(cast, period, monkeypatch):
    monkeypatch.setattr(excel, "MAX_SCHOOL_ROWS", 3)
    wb = openpyxl.load_workbook(io.BytesIO(excel_template_build(period=period, by=cast.admin)))
    for n in range(5):
        wb.worksheets[0].append([f"X{n}", "学校"])
    out = io.BytesIO()
    wb.save(out)
    messages = messages_of(_with_dimension(out.getvalue(), "A1:C3"), period, cast.admin)
    assert any("数据行过多" in m for m in messages)
