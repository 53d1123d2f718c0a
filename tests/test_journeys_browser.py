"""Issue 11's journeys in Debian's chromium (zh-CN), each checking the counts it shows against the database:

1. a kindergarten downloads its Excel template, fills it with openpyxl, uploads it (the period read from the
   file), lands on its form, changes a figure, submits, withdraws, submits again;
2. its town reviewer clears 「待我审核」 with 「下一份」;
3. a bureau reviewer bulk-approves, then sends 催报 to every school that has not started;
4. a department records progress on its first overdue item;
5. on a phone (390 px) the school's home and form do not scroll sideways and labels wrap by words.

Screenshots go to test-artifacts/journey-*.png for a person to look at."""
import datetime
import io
import os
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from edugov.models import Notice, NoticeKind, Role
from indicators.models import (
    DataSet,
    ReminderLog,
    ReportingPeriod,
    SchoolType,
    Submission,
    SubmissionStatus,
    SubmissionTransition,
    ValueChange,
)
from indicators.selectors.queues import review_queue
from indicators.services import submissions as service
from plans.models import ActionItem, ActionItemUpdate, Department, Plan
from plans.selectors import department_tasks
from tests.factories import SchoolFactory, TownFactory, user_with_role

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
FIGURES = {"kg_open": "是", "kg_children": 200, "kg_children_3_5": 180, "kg_puhui_children": 200,
           "kg_public_children": 200, "kg_staff": 25, "kg_staff_certified": 24, "kg_grade_2a_plus": "是",
           "kg_model": "否", "kg_is_new": "否"}
AS_FORM = {code: ({"是": "1", "否": "0"}.get(v, str(v))) for code, v in FIGURES.items()}

pytestmark = [pytest.mark.browser, pytest.mark.skipif(
    not os.path.exists(CHROMIUM) and os.environ.get("REQUIRE_SERVICES") != "1",
    reason="Debian chromium is not installed: apt-get install chromium")]


@pytest.fixture
def world(transactional_db, settings):
    """Town 林荫街道: 第十幼儿园 (the browser's school), 第十一幼儿园 (submitted two days ago), 第十二幼儿园
    (not started); town 泊尔江海子镇: 第十三幼儿园 (not started). The 2022 kindergarten form's deadline was
    3 days ago."""
    settings.ROLLUP_DEBOUNCE_SECONDS = 0
    call_command("load_plan", verbosity=0)
    call_command("load_definitions", verbosity=0)
    town_a, town_b = TownFactory(name="林荫街道", code="linyin"), TownFactory(name="泊尔江海子镇", code="boer")
    schools, reporters = {}, {}
    for n, (name, town) in enumerate([("东胜区第十幼儿园", town_a), ("东胜区第十一幼儿园", town_a),
                                      ("东胜区第十二幼儿园", town_a), ("东胜区第十三幼儿园", town_b)], start=10):
        schools[n] = SchoolFactory(town=town, name=name, code=f"DSK0{n}", school_type=SchoolType.KINDERGARTEN,
                                   is_puhui=True)
        reporters[n] = user_with_role(f"dsk0{n}", Role.SCHOOL_REPORTER, school=schools[n])
    today = timezone.localdate()
    period = ReportingPeriod.objects.create(dataset=DataSet.objects.get(code="kg_yearly"), year=2022,
                                            opens_on=today - datetime.timedelta(days=60),
                                            deadline=today - datetime.timedelta(days=3))
    early = service.submission_open(period=period, school=schools[11], by=reporters[11])
    early = service.submission_save_values(submission=early, by=reporters[11], values=AS_FORM, expected_version=0)
    service.submission_submit(submission=early, by=reporters[11])
    Submission.objects.filter(pk=early.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=2))
    return {"period": period, "schools": schools, "reporters": reporters,
            "town": user_with_role("town-linyin", Role.TOWN_REVIEWER, town=town_a),
            "bureau": user_with_role("bureau-reviewer", Role.BUREAU_REVIEWER),
            "department": user_with_role("jiaotiju", Role.DEPARTMENT_STAFF,
                                         department=Department.objects.get(name="教体局"))}


@pytest.fixture
def browser(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API keeps a loop in this thread
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield browser
        browser.close()


def _page(browser, base, username, width=1366, height=900):
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw-12345678")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def _shot(page, name):
    page.screenshot(path=str(ARTIFACTS / f"journey-{name}.png"), full_page=True)


def _school_fills_and_submits(browser, base, world, tmp_path):
    school, period = world["schools"][10], world["period"]
    page = _page(browser, base, "dsk010")
    row = page.locator(f"#school-queue tr[data-period='{period.pk}']")
    assert row.get_attribute("data-action") == "start" and "已逾期3天" in row.inner_text()
    with page.expect_download() as info:
        row.get_by_text("或下载Excel模板离线填写").click()
    download = info.value
    assert download.suggested_filename == "2022年幼儿园基本情况年报_东胜区第十幼儿园.xlsx"
    wb = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    for code, value in FIGURES.items():
        ws.cell(row=3, column=header.index(code) + 1, value=value)
    filled = tmp_path / "填好的模板.xlsx"
    wb.save(filled)
    page.get_by_text("上传已填写的Excel").click()
    assert page.locator("select[name=period]").count() == 0  # the period comes from the file
    page.set_input_files("input[type=file]", str(filled))
    page.get_by_role("button", name="上传并检查").click()
    assert "将保存 1 所学校的 10 个数值" in page.inner_text("main")
    page.get_by_role("button", name="确认导入(保存为草稿)").click()
    page.wait_for_url("**/data/submissions/*/")
    submission = Submission.objects.get(period=period, school=school)
    assert page.url.endswith(f"/data/submissions/{submission.pk}/")
    assert ValueChange.objects.filter(submission=submission, source="excel").count() == 10
    assert page.input_value("#v_kg_children") == "200" and page.input_value("#v_kg_open") == "1"
    page.fill("#v_kg_staff", "26")
    page.get_by_role("button", name="上报", exact=True).click()
    page.wait_for_selector("#withdraw")
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED
    page.locator("#withdraw button").click()
    page.wait_for_selector("button[value=submit]")
    assert Submission.objects.get(pk=submission.pk).status == SubmissionStatus.DRAFT
    page.get_by_role("button", name="上报", exact=True).click()
    page.wait_for_selector("#withdraw")
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED
    steps = list(SubmissionTransition.objects.filter(submission=submission).order_by("id")
                 .values_list("from_status", "to_status"))
    assert steps == [("draft", "submitted"), ("submitted", "draft"), ("draft", "submitted")]
    _shot(page, "1-school-submitted")
    page.goto(f"{base}/data/")
    assert page.locator(f"#school-queue tr[data-period='{period.pk}']").get_attribute("data-action") == "view"
    page.context.close()
    return submission


def _town_clears_its_queue(browser, base, world):
    town = world["town"]
    page = _page(browser, base, "town-linyin")
    waiting = review_queue(town).count()
    assert waiting == 2
    assert f"待我审核 {waiting} 份" in page.inner_text("#review-queue")
    page.get_by_text("从最早上报的一份开始审核").click()
    assert "东胜区第十一幼儿园" in page.inner_text("main")  # the oldest first
    page.get_by_role("button", name="✔ 审核通过").click()
    page.locator("#next-submission").click()
    assert "东胜区第十幼儿园" in page.inner_text("h1, main")
    page.get_by_role("button", name="✔ 审核通过").click()
    assert "待我审核的填报已全部处理完毕" in page.inner_text("#queue-nav")
    assert review_queue(town).count() == 0
    assert set(Submission.objects.values_list("status", flat=True)) == {SubmissionStatus.CHECKED}
    _shot(page, "2-town-cleared")
    page.context.close()


def _bureau_bulk_approves_and_reminds(browser, base, world):
    bureau, period = world["bureau"], world["period"]
    page = _page(browser, base, "bureau-reviewer")
    assert f"待我审核 {review_queue(bureau).count()} 份" in page.inner_text("#review-queue")
    page.get_by_text("批量通过无需核实的填报").click()
    assert page.locator("#bulk-approve input[name=submission]").count() == 2
    page.locator("#bulk-approve button[type=submit]").click()
    assert "已批量审核通过 2 份填报" in page.inner_text(".messages")
    assert set(Submission.objects.values_list("status", flat=True)) == {SubmissionStatus.APPROVED}
    assert Notice.objects.filter(kind=NoticeKind.APPROVED).count() == 2
    page.goto(f"{base}/data/periods/{period.pk}/review/")
    box = page.locator("#not-started")
    listed = box.locator("tr[data-school]")
    assert listed.count() == 2 and "逾期 3 天" in box.inner_text()
    assert not page.locator("#on-time [data-rate=provisional]").count()  # past the deadline: a real rate
    box.get_by_role("button").click()
    assert "已向 2 所未开始填报的学校发送催报" in page.inner_text(".messages")
    reminded = set(ReminderLog.objects.filter(period=period).values_list("school__code", flat=True))
    assert reminded == {"DSK012", "DSK013"}
    assert set(Notice.objects.filter(kind=NoticeKind.REMINDER).values_list("recipient__username", flat=True)) \
        == {"dsk012", "dsk013"}
    assert page.locator("#not-started").inner_text().count("已催报 1 次") == 2
    _shot(page, "3-bureau-reminded")
    page.context.close()


def _department_records_progress(browser, base, world):
    staff = world["department"]
    plan = Plan.objects.get()
    first = department_tasks(plan=plan, department=staff.profile.department, today=timezone.localdate())["overdue"][0]
    page = _page(browser, base, "jiaotiju")
    assert page.url.endswith("/plans/mine/")
    page.locator("#overdue-items a[href*='/plans/items/']").first.click()
    assert page.url.endswith(f"/plans/items/{first.pk}/")
    page.select_option("#id_status", "in_progress")
    page.fill("#id_progress", "40")
    page.fill("#id_note", "已完成方案制定,正在组织实施。")
    page.get_by_role("button", name="保存").click()
    assert "进展已保存" in page.inner_text(".messages")
    update = ActionItemUpdate.objects.get(item=first)
    assert (update.progress, update.by) == (40, staff)
    first.refresh_from_db()
    assert first.progress == 40
    assert "已完成方案制定" in page.inner_text("#history")
    _shot(page, "4-department-progress")
    page.context.close()


NO_SIDE_SCROLL = "() => document.documentElement.scrollWidth - window.innerWidth"
# Every form label's text: characters per rendered line (a label squeezed to one character a line gives ~1).
LABEL_LINES = """() => [...document.querySelectorAll('#submission-form label')].map(label => {
  const style = getComputedStyle(label), rect = label.getBoundingClientRect();
  const lineHeight = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
  const lines = Math.max(1, Math.round(rect.height / lineHeight));
  const text = label.textContent.replace(/\\s+/g, '');
  return {text, perLine: text.length / lines, width: rect.width};
})"""


def _phone(browser, base, world):
    page = _page(browser, base, "dsk012", width=390, height=844)
    assert page.evaluate(NO_SIDE_SCROLL) <= 0
    _shot(page, "5-phone-school-home")
    page.locator("#school-queue button.primary").click()
    page.wait_for_selector("#submission-form")
    assert page.evaluate(NO_SIDE_SCROLL) <= 0
    labels = page.evaluate(LABEL_LINES)
    assert len(labels) == 10
    squeezed = [label for label in labels if label["perLine"] < min(len(label["text"]), 6)]
    assert squeezed == []
    _shot(page, "5-phone-school-form")
    page.context.close()


def test_issue_11_journeys(live_server, world, browser, tmp_path):
    for old in ARTIFACTS.glob("journey-*.png"):
        old.unlink()
    _school_fills_and_submits(browser, live_server.url, world, tmp_path)
    _town_clears_its_queue(browser, live_server.url, world)
    _bureau_bulk_approves_and_reminds(browser, live_server.url, world)
    _department_records_progress(browser, live_server.url, world)
    _phone(browser, live_server.url, world)
    assert ActionItem.objects.filter(updates__isnull=False).count() == 1
