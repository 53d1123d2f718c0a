"""Meeting mode at 1920×1080 in Debian's chromium, on the demo district: every slide's visible text is at least
24 px (status words and chart labels included), nothing overflows its slide, and a screenshot of each slide
goes to test-artifacts/meeting-slide-NN.png for a person to look at."""
import io
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from edugov.models import Role
from indicators.models import TargetGapNote
from plans.models import AnnualTarget
from tests.factories import user_with_role

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
MIN_PX = 24

pytestmark = [pytest.mark.browser, pytest.mark.skipif(
    not os.path.exists(CHROMIUM) and os.environ.get("REQUIRE_SERVICES") != "1",
    reason="Debian chromium is not installed: apt-get install chromium")]

# The smallest font of visible text on the current slide, and every element that leaves it.
MEASURE = """() => {
  const slide = document.querySelector('.slide.current');
  const box = slide.getBoundingClientRect();
  let smallest = 1000, where = '';
  const outside = [];
  const walker = document.createTreeWalker(slide, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!node.textContent.trim() || !el) continue;
    const style = getComputedStyle(el);
    const rect = el.getBoundingClientRect();
    if (style.visibility === 'hidden' || style.display === 'none' || rect.width === 0 || rect.height === 0
        || parseFloat(style.opacity) === 0 || el.closest('.hoverlayer')) continue;
    const size = parseFloat(style.fontSize);
    if (size < smallest) { smallest = size; where = node.textContent.trim().slice(0, 40); }
  }
  for (const el of slide.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || el.closest('.hoverlayer') || el.tagName === 'clipPath'
        || el.closest('clipPath') || el.closest('defs')) continue;
    if (r.left < box.left - 1 || r.top < box.top - 1 || r.right > box.right + 1 || r.bottom > box.bottom + 1) {
      const text = (el.textContent || '').trim().slice(0, 30);
      outside.push(el.tagName + '.' + (el.getAttribute('class') || '') + ' ' + text);
    }
    if (!(el instanceof HTMLElement) || el.closest('.chart')) continue;
    if (el.scrollHeight > el.clientHeight + 1 && getComputedStyle(el).overflowY !== 'visible'
        || el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible') {
      outside.push('clipped ' + el.tagName + '.' + el.className);
    }
  }
  return {smallest, where, outside};
}"""


@pytest.fixture
def district(transactional_db):
    call_command("load_plan", verbosity=0)
    call_command("load_definitions", verbosity=0)
    out = io.StringIO()
    call_command("demo_data", "--allow-production-demo", "--schools", "40", stdout=out)
    call_command("demo_accounts", "--allow-production-demo", stdout=out)
    call_command("demo_progress", "--allow-production-demo", stdout=out)
    admin = user_with_role("meeting-admin", Role.BUREAU_ADMIN)
    for target in AnnualTarget.objects.filter(year=2022).order_by("id")[:6]:
        TargetGapNote.objects.get_or_create(target=target, defaults={
            "text": "部分新建幼儿园2022年秋季才开园,在园幼儿数尚未计入;已督促各园在年底前补报。", "by": admin})
    return user_with_role("meeting-leader", Role.LEADER)


@pytest.fixture
def browser(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API keeps a loop in this thread
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield browser
        browser.close()


def test_every_meeting_slide_reads_from_the_back_row(live_server, district, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    for old in ARTIFACTS.glob("meeting-slide-*.png"):
        old.unlink()
    page = browser.new_context(locale="zh-CN", viewport={"width": 1920, "height": 1080}).new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "meeting-leader")
    page.fill("input[name=password]", "pw-12345678")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/reports/meetings/live/?year=2022")
    total = page.locator(".slide").count()
    assert total > 10
    problems = []
    for number in range(1, total + 1):
        if number > 1:
            page.keyboard.press("ArrowRight")
        page.wait_for_selector(f".slide.current[aria-label^='{number} /']")
        if page.locator(".slide.current .chart[data-figure]").count():
            page.wait_for_selector(".slide.current .chart[data-drawn='1'] .main-svg")
        found = page.evaluate(MEASURE)
        # a figure in a box (the 「总体情况」 counts) must fit its box, which the slide's own bounds do not show
        tight = page.evaluate("[...document.querySelectorAll('.slide.current .tile-value, .slide.current .tile-label')]"
                              ".filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)")
        if tight:
            problems.append(f"slide {number}: {tight} wider than its box")
        page.screenshot(path=str(ARTIFACTS / f"meeting-slide-{number:02d}.png"))
        if found["smallest"] < MIN_PX:
            problems.append(f"slide {number}: {found['smallest']}px 「{found['where']}」")
        if found["outside"]:
            problems.append(f"slide {number}: overflows {found['outside'][:3]}")
    assert problems == []
