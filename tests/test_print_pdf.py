"""The A4 report: the print page laid out for A4 portrait (no navigation, a header, sections from new pages, charts
at the text block's width that never overlap) and its server-side PDF (a Celery job through headless chromium:
the expected pages, numbered, with extractable Chinese text; a clear Chinese message where chromium is missing).
The tests that drive chromium skip only when /usr/bin/chromium is missing (and never in CI)."""
import io
import os
import re
import unicodedata
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from indicators.models import District
from reports import print_report
from reports.exports import report_pdf
from reports.models import ExportJob
from tests import reports_fixtures

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
needs_chromium = pytest.mark.skipif(
    not os.path.exists(CHROMIUM) and os.environ.get("REQUIRE_SERVICES") != "1",
    reason="Debian chromium is not installed: apt-get install chromium fonts-noto-cjk")
SECTIONS = ["一、年度目标完成情况", "二、主要指标历年走势", "三、行动计划推进情况", "四、需要研究解决的问题"]


@pytest.fixture
def data(cast):
    District.objects.update_or_create(code="dongsheng", defaults={"name": "东胜区"})
    return reports_fixtures.build(cast, by=cast.admin)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _page(client, user, url="/reports/print/?year=2021"):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response


def test_print_page_has_a_header_and_no_navigation_chrome(client, cast, data):
    body = _page(client, cast.leader).content.decode()
    assert 'class="topbar"' not in body and 'class="mainnav"' not in body and "subnav" not in body
    assert "东胜区教育体育局" in body and "测试实施方案2021年度推进情况报告" in body
    # the running header (bureau, title, date) and the page numbers are CSS page-margin boxes
    assert '@top-left { content: "东胜区教育体育局"; }' in body
    assert re.search(r'@top-right \{ content: "测试实施方案2021年度推进情况报告 · \d{4}年\d{1,2}月\d{1,2}日"; \}', body)
    css = (Path(settings.BASE_DIR) / "static/css/print.css").read_text()
    assert "size: A4 portrait" in css and 'counter(page)' in css and "break-before: page" in css
    for heading in SECTIONS:
        assert heading in body


def test_print_page_renders_in_english_too(client, cast, data):
    client.force_login(cast.leader)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get("/reports/print/?year=2021")
    assert page.status_code == 200 and "2021 progress report" in page.content.decode()
    assert "1. Annual targets" in page.content.decode() and "Coverage" in page.content.decode()


def test_every_print_chart_is_drawn_at_the_text_block_width(client, cast, data):
    charts = _page(client, cast.leader).context["charts"]
    assert charts
    for chart in charts:
        layout = chart["figure"]["layout"]
        assert layout["width"] == print_report.CHART_WIDTH and layout["autosize"] is False
    # 156 mm (A4 less GB/T 9704's 28 mm and 26 mm margins) at 96 px an inch
    assert print_report.CHART_WIDTH == 589


def test_report_headers_cannot_break_out_of_their_css_string():
    assert print_report.css_string('a"b\\c</style>') == "a\\22 b\\5c c\\3c /style\\3e "


def test_problems_carry_the_gap_note_bureau_staff_wrote(client, cast, data):
    body = _page(client, cast.leader).content.decode()
    assert "两所民办园转普惠的审批延后到次年。" in body
    assert "2021年普惠性幼儿园覆盖率84.2%,目标≥86%,≈ 接近" in body


@pytest.mark.parametrize("who,status", [("admin", 302), ("leader", 302), ("staff_fin", 403), ("reporter_a", 403),
                                        ("outsider", 403)])
def test_only_bureau_readers_start_a_pdf(client, cast, data, media, who, status, monkeypatch):
    monkeypatch.setattr(report_pdf, "CHROMIUM", "/nonexistent/chromium")
    client.force_login(getattr(cast, who))
    response = client.post(reverse("reports:pdf") + "?year=2021")
    assert response.status_code == status
    assert ExportJob.objects.count() == (1 if status == 302 else 0)


def test_without_chromium_the_pdf_job_fails_with_a_chinese_message(client, cast, data, media, eager_celery,
                                                                   django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr(report_pdf, "CHROMIUM", "/nonexistent/chromium")
    client.force_login(cast.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:pdf") + "?year=2021")
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("reports:export", args=[job.pk])
    status = client.get(reverse("reports:export_status", args=[job.pk])).json()
    assert status["status"] == "failed" and "服务器未安装 Chromium" in status["error"] and not status["download"]
    page = client.get(reverse("reports:export", args=[job.pk]))
    assert page.status_code == 200 and "服务器未安装 Chromium" in page.content.decode()
    assert client.get(reverse("reports:export_download", args=[job.pk])).status_code == 404


# --- in chromium ---------------------------------------------------------------------------------------------

OVERLAPS = """() => {
  const boxes = [...document.querySelectorAll('.chart')].map(el => {
    const r = el.getBoundingClientRect(); return {id: el.id, l: r.left, t: r.top, r: r.right, b: r.bottom}; });
  const svgs = [...document.querySelectorAll('.chart .main-svg')].map(el => el.getBoundingClientRect().right);
  const hits = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    if (a.l < b.r - 1 && b.l < a.r - 1 && a.t < b.b - 1 && b.t < a.b - 1) hits.push(a.id + ' × ' + b.id);
  }
  return {n: boxes.length, hits, right: Math.max(...boxes.map(b => b.r), ...svgs),
          width: document.documentElement.clientWidth};
}"""


@pytest.fixture
def browser(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API keeps a loop in this thread
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield browser
        browser.close()


@pytest.mark.browser
@needs_chromium
@pytest.mark.django_db(transaction=True)
def test_at_a4_width_no_chart_covers_another(live_server, cast, data, browser):
    page = browser.new_context(locale="zh-CN", viewport={"width": 794, "height": 1123}).new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "leader")
    page.fill("input[name=password]", "pw-12345678")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    for media in ("screen", "print"):
        page.emulate_media(media=media)
        page.goto(f"{live_server.url}/reports/print/?year=2021")
        page.wait_for_selector("body[data-charts-drawn='1']")
        found = page.evaluate(OVERLAPS)
        assert found["n"] >= 3 and found["hits"] == [], (media, found)
        assert found["right"] <= found["width"], (media, found)  # nothing runs off the A4 width
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "print-a4.png"), full_page=True)


@needs_chromium
def test_server_side_pdf_has_numbered_pages_sections_from_new_pages_and_chinese_text(
        client, cast, data, media, eager_celery, django_capture_on_commit_callbacks):
    from pypdf import PdfReader

    client.force_login(cast.leader)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:pdf") + "?year=2021")
    job = ExportJob.objects.get()
    assert job.status == "done", job.error
    download = client.get(reverse("reports:export_download", args=[job.pk]))
    from urllib.parse import quote

    assert quote("测试实施方案2021年度推进情况报告.pdf") in download["Content-Disposition"]
    body = b"".join(download.streaming_content)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "report-a4.pdf").write_bytes(body)
    reader = PdfReader(io.BytesIO(body))
    # Noto CJK maps some ideographs' glyphs to their Kangxi radicals (方 as ⽅): NFKC reads them as a person does
    pages = [unicodedata.normalize("NFKC", page.extract_text()) for page in reader.pages]
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 portrait in points
    # one page per section at least; every page carries its own number 「— n —」
    assert len(pages) >= len(SECTIONS)
    for number, text in enumerate(pages, 1):
        assert f"— {number} —" in text, (number, text[-80:])
    # each section starts a page of its own, in order
    starts = [next(i for i, text in enumerate(pages) if heading in text) for heading in SECTIONS]
    assert starts == sorted(starts) and len(set(starts)) == len(SECTIONS)
    # the running header from page 2 on; the title block on page 1
    assert "测试实施方案" in pages[0] and "2021年度推进情况报告" in pages[0]
    assert pages[0].count("东胜区教育体育局") == 1  # the title block's, no running header above it
    assert all("东胜区教育体育局 测试实施方案2021年度推进情况报告" in text for text in pages[1:])
    # (民 comes out as the radical ⺠, which NFKC does not fold: the note is matched on its other words)
    assert "≈ 接近" in "".join(pages) and "审批延后到次年。" in "".join(pages)
