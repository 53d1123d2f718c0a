"""The pages work under the Content Security Policy: in chromium the dashboards draw their Plotly charts,
the language switch and the API docs work, and the browser reports no CSP violation."""
import os

import pytest

from tests import reports_fixtures
from tests.security.conftest import PASSWORD

CHROMIUM = "/usr/bin/chromium"

pytestmark = [pytest.mark.browser, pytest.mark.skipif(
    not os.path.exists(CHROMIUM) and os.environ.get("REQUIRE_SERVICES") != "1",
    reason="Debian chromium is not installed: apt-get install chromium")]

# Every violation the page sees, whatever the directive (an init script runs outside the page's CSP).
WATCH = """window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI + " " + e.sourceFile + ":" + e.lineNumber);
});"""


@pytest.fixture
def page(transactional_db, cast, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API keeps a loop in this thread
    reports_fixtures.build(cast, by=cast.admin)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_context(locale="zh-CN").new_page()
        page.set_default_timeout(20_000)
        page.add_init_script(WATCH)
        console = []
        page.on("console", lambda message: console.append(message.text))
        page.console_log = console
        yield page
        browser.close()


def _violations(page) -> list[str]:
    seen = page.evaluate("window.__csp")
    return seen + [text for text in page.console_log if "Content Security Policy" in text]


def test_dashboards_draw_under_the_policy(live_server, page):
    page.goto(f"{live_server.url}/accounts/login/?next=/reports/%3Fyear%3D2021")
    # the language switch works from base.js, no inline handler
    with page.expect_navigation():
        page.select_option("#lang", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    page.fill("input[name=username]", "leader")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")  # on to the overview

    for path in [None, "/reports/indicators/puhui/?year=2021"]:
        if path:
            page.goto(live_server.url + path)
        page.wait_for_selector("body[data-charts-drawn='1']")
        drawn = page.locator(".chart[data-drawn='1'] .main-svg")
        assert drawn.count() > 0, page.url  # Plotly drew, not just marked the chart
        assert _violations(page) == [], page.url

    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".swagger-ui .info")
    assert _violations(page) == []

    # the watch itself works: an inline script is blocked and reported
    page.evaluate("document.body.appendChild(Object.assign(document.createElement('script'), "
                  "{textContent: 'window.inlineRan = true'}))")
    page.wait_for_function("window.__csp.length > 0")
    assert page.evaluate("window.inlineRan") is None and "script-src" in _violations(page)[0]
