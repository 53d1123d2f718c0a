"""「优质均衡创建」 in Debian's chromium on the demo district: the page draws with its verdicts, 差异系数 and
schools, without a CSP violation or a page wider than the window; screenshots go to test-artifacts/ for a person
to look at (balance-leader.png, balance-school.png)."""
import io
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from edugov.models import Role
from indicators.models import School
from tests.factories import user_with_role

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"

pytestmark = [pytest.mark.browser, pytest.mark.skipif(
    not os.path.exists(CHROMIUM) and os.environ.get("REQUIRE_SERVICES") != "1",
    reason="Debian chromium is not installed: apt-get install chromium")]


@pytest.fixture
def district(transactional_db):
    call_command("load_definitions", verbosity=0)
    call_command("demo_data", "--allow-production-demo", "--schools", "40", "--no-rollup", stdout=io.StringIO())
    nine = School.objects.filter(school_type="nine_year").order_by("code").first()
    return {"leader": user_with_role("balance-leader", Role.LEADER),
            "reporter": user_with_role("balance-reporter", Role.SCHOOL_REPORTER, school=nine), "nine": nine}


@pytest.fixture
def browser(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API keeps a loop in this thread
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield browser
        browser.close()


def _open(browser, live_server, username: str, path: str):
    page = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900}).new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw-12345678")
    page.click("button[type=submit]")
    page.wait_for_load_state()  # (the overview it lands on needs a plan, which this district has not)
    problems: list[str] = []
    # a CSP violation or script error shows as a console error; a missing file as a failed response
    page.on("console", lambda m: problems.append(m.text) if m.type == "error"
            and not m.text.startswith("Failed to load resource") else None)
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400
            and not r.url.endswith("/favicon.ico") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    response = page.goto(f"{live_server.url}{path}")
    page.wait_for_load_state()
    return page, response, problems


def test_leader_reads_the_readiness_page(live_server, district, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    page, response, problems = _open(browser, live_server, "balance-leader", "/reports/balance/?year=2021")
    assert response.status == 200
    text = page.inner_text("main")
    assert "优质均衡创建" in text and "差异系数" in text and "历年情况" in text
    for section in ("小学", "初中"):
        heading = page.inner_text(f"#section-{'primary' if section == '小学' else 'junior'} h2")
        assert section in heading and any(word in heading for word in ("达标", "未达标", "数据未齐"))
    assert page.locator("table.balance-schools tbody tr").count() >= 10
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=str(ARTIFACTS / "balance-leader.png"), full_page=True)
    assert problems == []


def test_school_reporter_sees_its_own_school_only(live_server, district, browser):
    page, response, problems = _open(browser, live_server, "balance-reporter", "/reports/balance/?year=2021")
    assert response.status == 200
    rows = page.locator("table.balance-schools tbody tr")
    names = {rows.nth(i).locator("td").first.inner_text().split("\n")[0] for i in range(rows.count())}
    assert names == {district["nine"].name}  # its primary and its junior section
    page.screenshot(path=str(ARTIFACTS / "balance-school.png"), full_page=True)
    assert problems == []
