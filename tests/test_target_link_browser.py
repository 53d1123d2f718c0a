"""「对应指标」 in Debian's chromium (issue 13): from a new plan's targets page a bureau admin opens a target's
indicator page, sees the bureau's indicators with their formulas in element names and the plans already using
them, links the target to 普惠性幼儿园覆盖率, and the verdict appears on the targets page once the scheduled
rollup has run. Screenshots go to test-artifacts/link-*.png for a person to look at."""
import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from indicators.models import DataElement, TargetLink
from plans.models import AnnualTarget, Plan
from tests import reports_fixtures

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"

pytestmark = [pytest.mark.browser, pytest.mark.skipif(
    not os.path.exists(CHROMIUM) and os.environ.get("REQUIRE_SERVICES") != "1",
    reason="Debian chromium is not installed: apt-get install chromium")]


@pytest.fixture
def browser(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API keeps a loop in this thread
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield browser
        browser.close()


@pytest.fixture
def new_plan(transactional_db, cast, eager_celery):
    # eager_celery: the rollup runs in the server's thread once the link has committed
    reports_fixtures.build(cast, by=cast.admin)
    for code, name in [("A", "普惠性幼儿园在园幼儿数"), ("B", "在园幼儿总数")]:
        DataElement.objects.update_or_create(code=code, defaults={"name_zh": name, "name_en": code,
                                                                  "value_type": "integer"})
    plan = Plan.objects.create(key="next-plan", title="2021—2025年学前教育实施方案", start_year=2021, end_year=2025)
    AnnualTarget.objects.create(plan=plan, measure="kg_puhui", name="普惠性幼儿园覆盖率", unit="%", year=2021,
                                comparator="gte", value=Decimal(80))
    return plan


def _shot(page, name):
    page.screenshot(path=str(ARTIFACTS / f"link-{name}.png"), full_page=True)


def test_admin_links_a_new_plans_target_and_the_verdict_appears(live_server, new_plan, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900}).new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", "pw-12345678")
    page.click("button[type=submit]")
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/plans/targets/?plan={new_plan.key}")
    assert "尚未对应指标" in page.locator("tr[data-measure=kg_puhui]").inner_text()  # no link yet: not "tracked"
    with page.expect_navigation():
        page.click("a[data-link-measure=kg_puhui]")
    row = page.locator("tr[data-indicator=puhui]")
    assert "分子:普惠性幼儿园在园幼儿数 × 100" in row.inner_text()
    assert "测试实施方案 · 普惠性幼儿园覆盖率" in row.inner_text()
    row.locator("input[type=radio]").check()
    page.select_option("select[name=scope]", "town")
    _shot(page, "1-choose")
    with page.expect_navigation():
        page.click("button.primary[type=submit]")

    assert "已保存目标与指标的对应" in page.locator("ul.messages").inner_text()
    assert TargetLink.objects.get(plan=new_plan, measure="kg_puhui").indicator.code == "puhui"
    page.goto(f"{live_server.url}/plans/targets/?plan={new_plan.key}")
    verdict = page.locator("tr[data-measure=kg_puhui] .verdict")
    assert verdict.get_attribute("data-status") == "met" and "达标" in verdict.inner_text()
    _shot(page, "2-verdict")
