"""Two plans in Debian's chromium (issue 13): the header's plan switcher changes the plan every page shows, the
choice is remembered on the next page, and the compare page lists both. Screenshots go to test-artifacts/plans-*.png
for a person to look at."""
import io
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from edugov.models import Role
from indicators.models import TargetStatus
from plans.models import ActionItem, Plan
from tests.factories import user_with_role

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
SECOND = Path(__file__).parent / "data" / "second_plan.json"

pytestmark = [pytest.mark.browser, pytest.mark.skipif(
    not os.path.exists(CHROMIUM) and os.environ.get("REQUIRE_SERVICES") != "1",
    reason="Debian chromium is not installed: apt-get install chromium")]


@pytest.fixture
def two_plans(transactional_db):
    call_command("load_plan", verbosity=0)
    call_command("load_plan", str(SECOND), verbosity=0)
    call_command("load_definitions", verbosity=0)
    # a small demo district rolled up, so the dashboards and the compare page hold stored verdicts
    call_command("demo_data", "--allow-production-demo", "--schools", "12", stdout=io.StringIO())
    user_with_role("plans-leader", Role.LEADER)
    return Plan.objects.get(key="dongsheng-2019-2022"), Plan.objects.get(key="dongsheng-2023-2025")


@pytest.fixture
def browser(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API keeps a loop in this thread
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield browser
        browser.close()


def _shot(page, name):
    page.screenshot(path=str(ARTIFACTS / f"plans-{name}.png"), full_page=False)


def test_switching_between_two_plans(live_server, two_plans, browser):
    first, second = two_plans
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900}).new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "plans-leader")
    page.fill("input[name=password]", "pw-12345678")
    page.click("button[type=submit]")
    page.wait_for_load_state()

    # no choice yet: no plan covers today (2026), so the newest plan with data opens
    page.goto(f"{live_server.url}/plans/")
    assert page.locator("h1").first.inner_text().startswith(second.title)
    assert page.locator("#planswitch").input_value() == second.key
    _shot(page, "1-second-plan")

    # the switcher in the header changes the plan (the select submits itself)
    with page.expect_navigation():
        page.select_option("#planswitch", first.key)
    assert f"plan={first.key}" in page.url
    assert page.locator("h1").first.inner_text().startswith(first.title)
    assert "215" in page.locator("section.grid").inner_text()
    _shot(page, "2-first-plan")

    # the choice is remembered: the items page opened without ?plan= lists the first plan's 215 items
    page.goto(f"{live_server.url}/plans/items/")
    assert page.locator("#planswitch").input_value() == first.key
    assert ActionItem.objects.filter(programme__plan=first).count() == 215
    assert "215" in page.locator("main").inner_text()

    # and the dashboards follow it; switching there switches back
    page.goto(f"{live_server.url}/reports/")
    assert first.title in page.locator("main").inner_text()
    _shot(page, "3-dashboard-first-plan")
    with page.expect_navigation():
        page.select_option("#planswitch", second.key)
    assert second.title in page.locator("main").inner_text() and first.title not in page.locator("main").inner_text()
    _shot(page, "4-dashboard-second-plan")

    # both plans on one page
    page.goto(f"{live_server.url}/reports/compare/")
    assert page.locator("section.compare-plan").count() == 2
    first_table = page.locator(f"#plan-{first.key}")
    judged = sum(int(cell.inner_text()) for cell in first_table.locator("tbody td[data-status]").all())
    assert judged == TargetStatus.objects.filter(target__plan=first).count() > 0
    _shot(page, "5-compare")
