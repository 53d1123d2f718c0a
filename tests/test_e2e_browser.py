"""End to end in Debian's chromium: a kindergarten reporter submits, the bureau approves, the
rollup runs through Celery (a real worker on PostgreSQL + Redis, eagerly on the embedded default),
and the leader overview shows the new figure in its card and its chart. Screenshots of the
overview and of meeting mode go to test-artifacts/."""
import datetime
import os
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from edugov.models import Role
from indicators.models import DataSet, ReportingPeriod, RollupRun, RunStatus, SchoolType
from tests.conftest import services_available
from tests.factories import SchoolFactory, TownFactory, user_with_role

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
MEASURE = "puhui_kindergarten_coverage"
FIGURES = {"kg_open": "1", "kg_children": "200", "kg_children_3_5": "180", "kg_puhui_children": "200",
           "kg_public_children": "200", "kg_staff": "25", "kg_staff_certified": "24", "kg_grade_2a_plus": "1",
           "kg_model": "0", "kg_is_new": "0"}

pytestmark = [pytest.mark.browser, pytest.mark.skipif(
    not os.path.exists(CHROMIUM) and os.environ.get("REQUIRE_SERVICES") != "1",
    reason="Debian chromium is not installed: apt-get install chromium")]


@pytest.fixture
def world(transactional_db, settings, request):
    settings.ROLLUP_DEBOUNCE_SECONDS = 0
    call_command("load_plan", verbosity=0)
    call_command("load_definitions", verbosity=0)
    school = SchoolFactory(town=TownFactory(name="林荫街道"), name="东胜区幸福幼儿园", code="E2EKG01",
                           school_type=SchoolType.KINDERGARTEN, is_puhui=True)
    ReportingPeriod.objects.create(dataset=DataSet.objects.get(code="kg_yearly"), year=2022,
                                   opens_on=datetime.date(2022, 9, 1),
                                   deadline=timezone.localdate() + datetime.timedelta(days=30))
    if services_available():
        request.getfixturevalue("celery_worker_process")
    return {"reporter": user_with_role("reporter", Role.SCHOOL_REPORTER, school=school),
            "town": user_with_role("townrev", Role.TOWN_REVIEWER, town=school.town),
            "admin": user_with_role("bureau", Role.BUREAU_ADMIN), "leader": user_with_role("boss", Role.LEADER)}


@pytest.fixture
def browser(monkeypatch):
    # Playwright's sync API keeps an event loop in this thread; the ORM calls here are plain sync code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield browser
        browser.close()


def _page(browser, base, username, viewport=(1366, 900)):
    page = browser.new_context(locale="zh-CN", viewport={"width": viewport[0], "height": viewport[1]}).new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw-12345678")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def _card_value(page, base):
    page.goto(f"{base}/reports/?year=2022")
    page.wait_for_selector("body[data-charts-drawn='1']")
    return page.inner_text(f"article[data-measure='{MEASURE}'] .actual")


def _wait_for_rollup(deadline_s=90):
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if RollupRun.objects.filter(year=2022, status=RunStatus.SUCCEEDED, trigger="approval").exists():
            return
        failed = RollupRun.objects.filter(status=RunStatus.FAILED).first()
        assert failed is None, failed.error
        time.sleep(0.5)
    raise AssertionError(f"no rollup finished: {list(RollupRun.objects.values('status', 'trigger', 'error'))}")


def test_school_figure_reaches_the_leader_overview(live_server, world, browser):
    base = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)
    leader = _page(browser, base, "boss")
    assert _card_value(leader, base) == "—"  # no approved figure yet: no data, not 0

    # a school reporter fills and submits the form
    school = _page(browser, base, "reporter")
    school.goto(f"{base}/data/")
    school.click("form[action*='/start/'] button")
    for code, value in FIGURES.items():
        field = school.locator(f"[name=v_{code}]")
        if field.evaluate("el => el.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    school.click("button[name=action][value=submit]")
    assert "已上报" in school.inner_text("main")

    # kindergarten forms take two review steps: the town's education office checks, the bureau approves
    submission_url = school.url.rstrip("/") + "/review/"
    town = _page(browser, base, "townrev")
    town.goto(submission_url)
    town.click("button[value=approve]")
    bureau = _page(browser, base, "bureau")
    bureau.goto(submission_url)
    bureau.click("button[value=approve]")
    assert "已审核" in bureau.inner_text("main")

    _wait_for_rollup()
    # a public kindergarten is wholly 普惠: all 200 of its children count (the form refuses anything between)
    assert _card_value(leader, base) == "100.0%"
    chart_y = leader.evaluate(f"document.getElementById('trend-{MEASURE}').data.at(-1).y")
    assert chart_y[-1] == 100.0
    leader.screenshot(path=str(ARTIFACTS / "overview.png"), full_page=True)

    # meeting mode: frozen, dated, one slide at a time, no scroll bars
    bureau.goto(f"{base}/reports/meetings/?year=2022")
    bureau.fill("input[name=title]", "2022年教育工作推进会")
    bureau.check(f"input[name=indicators][value={MEASURE}]")
    bureau.click("button.primary")
    meeting_url = bureau.url
    for width, height in [(1920, 1080), (1280, 720)]:
        page = _page(browser, base, "bureau", viewport=(width, height))
        page.goto(meeting_url)
        assert "数据截至" in page.inner_text(".slide.current")  # the cover, then the agenda, then the targets
        assert "普惠性幼儿园覆盖率100.0%" in page.text_content(".deck")
        for _ in range(6):  # past the cover, the agenda and the summary: the first target slide has a chart
            page.keyboard.press("ArrowRight")
            if page.query_selector(".slide.current .chart"):
                break
        page.wait_for_selector(".slide.current .chart[data-drawn='1']")
        scroll = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
        assert scroll[0] <= width and scroll[1] <= height
        page.screenshot(path=str(ARTIFACTS / f"meeting-{width}x{height}.png"))
        page.keyboard.press("Home")
        page.screenshot(path=str(ARTIFACTS / f"meeting-summary-{width}x{height}.png"))
