"""A school's reporter on a phone (390×844, zh-CN): the plan and report pages fit the screen — the header wraps
instead of squeezing 「实施方案」 to a character a line, its links stay on the blue bar, and a wide table scrolls
inside its own box, never the page. Screenshots go to test-artifacts/phone-*.png for a person to look at."""
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from indicators.models import School
from indicators.services.demo import PASSWORD
from plans.models import ActionItem, Plan

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"

pytestmark = [pytest.mark.browser, pytest.mark.skipif(
    not os.path.exists(CHROMIUM) and os.environ.get("REQUIRE_SERVICES") != "1",
    reason="Debian chromium is not installed: apt-get install chromium")]

SIDE_SCROLL = "() => document.documentElement.scrollWidth"
# elements reaching past the right edge, widest first: what to fix when the page scrolls sideways
OVERFLOWING = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-wrap'))
  .map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} ${Math.round(e.getBoundingClientRect().right)}`)
  .slice(0, 12)"""
# each header link, button and label: on screen, on the blue bar (inside the header's box), one line tall
HEADER = """() => { if (!document.querySelector('.topbar')) return [];  // the print page has none
  const bar = document.querySelector('.topbar').getBoundingClientRect();
  const parts = '.topbar a, .topbar button, .topbar select, .topbar .who, .topbar label:not(.sr-only)';
  return [...document.querySelectorAll(parts)].map(e => {
    const r = e.getBoundingClientRect(), style = getComputedStyle(e);
    const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.6;
    return {text: e.textContent.trim().slice(0, 20), visible: r.width > 0 && r.height > 0,
            inside: r.left >= bar.left - 1 && r.right <= Math.min(bar.right, window.innerWidth) + 1
                    && r.top >= bar.top - 1 && r.bottom <= bar.bottom + 1,
            oneLine: e.tagName === 'SELECT' || r.height < line * 1.9};
  }); }"""


@pytest.fixture
def demo(transactional_db, settings):
    call_command("load_plan", verbosity=0)
    call_command("load_definitions", verbosity=0)
    call_command("demo_data", schools=8, allow_production_demo=True, verbosity=0)
    call_command("demo_accounts", allow_production_demo=True, verbosity=0)
    call_command("demo_progress", allow_production_demo=True, verbosity=0)
    school = School.objects.order_by("code").first()
    item = ActionItem.objects.filter(year=2019).order_by("id").first()
    return {"reporter": school.code.lower(), "school": school.code, "item": item}


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


def _phone(browser, base, username):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def test_plan_and_report_pages_fit_a_phone_for_a_school_reporter(live_server, demo, browser):
    page = _phone(browser, live_server.url, demo["reporter"])
    plan = Plan.objects.get()
    urls = ["/plans/", "/plans/items/", "/plans/targets/", "/plans/programmes/1/", f"/plans/items/{demo['item'].pk}/",
            "/reports/", "/reports/actions/", "/reports/balance/", "/reports/compare/", "/reports/print/",
            f"/reports/schools/{demo['school']}/", "/reports/indicators/preschool_gross_enrolment_rate/", "/notices/",
            f"/plans/?plan={plan.key}"]
    problems = {}
    for n, url in enumerate(urls):
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("networkidle")
        assert page.url.endswith(url), (url, page.url)
        width, header = page.evaluate(SIDE_SCROLL), page.evaluate(HEADER)
        bad = [h for h in header if not (h["visible"] and h["inside"] and h["oneLine"])]
        if width > 390 or bad:
            problems[url] = {"width": width, "header": bad, "overflowing": page.evaluate(OVERFLOWING)}
        page.screenshot(path=str(ARTIFACTS / f"phone-{n}.png"))
        if page.locator(".table-wrap").count():  # the first wide table, scrolled in its own box
            page.locator(".table-wrap").first.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / f"phone-{n}-table.png"))
    (ARTIFACTS / "phone-problems.json").write_text(__import__("json").dumps(problems, ensure_ascii=False, indent=1))
    assert problems == {}
    assert {"实施方案", "退出"} <= {h["text"] for h in header}
