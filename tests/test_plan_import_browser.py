"""「导入实施方案」 in Debian's chromium (issue 13): a bureau admin uploads the Dongsheng plan as a Word file, the
review page shows the proposed programmes, items and targets beside their source text, one proposal is corrected and
saved on its row, confirming creates the plan (the overview opens on it), and importing the same document again
with the same correction changes nothing. Screenshots go to test-artifacts/import-*.png for a person to look at."""
import os
from pathlib import Path

import pytest
from django.conf import settings

from edugov.models import Role
from plans.management.commands.plan_import_measure import DONGSHENG, TEXTS
from plans.models import ActionItem, AnnualTarget, Plan, Programme, TargetSource
from tests.factories import user_with_role

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
TITLE = "加快推进东胜区教育现代化高质量发展实施方案(2019—2022年)"
CORRECTED = "学前三年毛入园率(核对后)"

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


def _shot(page, name):
    page.screenshot(path=str(ARTIFACTS / f"import-{name}.png"), full_page=False)


@pytest.fixture
def word_file(tmp_path) -> Path:
    """The Dongsheng plan as a bureau sends it: a Word file (python-docx), one paragraph per line of the text."""
    import docx

    document = docx.Document()
    for line in (TEXTS / DONGSHENG).read_text(encoding="utf-8").splitlines():
        document.add_paragraph(line)
    path = tmp_path / "东胜区教育现代化实施方案.docx"
    document.save(path)
    return path


def _upload_and_correct(page, base: str, document: Path) -> None:
    """Upload the Word file, check the review page, correct the first target's name on its row and save it."""
    page.goto(f"{base}/plans/import/")
    page.set_input_files("input[name=document]", str(document))
    with page.expect_navigation():
        page.click("button.primary[type=submit]")
    assert page.url.endswith("/plans/import/review/")
    main = page.locator("main")
    assert "实施学前教育普及普惠优质发展工程" in main.inner_text()
    assert page.locator("tr[id^=programmes-]").count() == 12
    assert page.locator("tr[id^=action_items-]").count() == 215
    assert page.locator("tr[id^=targets-]").count() > 60
    row = page.locator("#targets-0")
    row.locator("input[name=name]").fill(CORRECTED)
    assert "unsaved" in (row.get_attribute("class") or "")  # the row says it has an unsaved change
    with page.expect_navigation():
        row.locator("button[name=save]").click()
    assert page.locator("#targets-0 input[name=name]").input_value() == CORRECTED


def _counts(plan):
    return (Programme.objects.filter(plan=plan).count(), ActionItem.objects.filter(programme__plan=plan).count(),
            AnnualTarget.objects.filter(plan=plan).count(), TargetSource.objects.filter(target__plan=plan).count())


def test_import_review_correct_confirm_and_reimport(live_server, transactional_db, browser, word_file):
    user_with_role("import-admin", Role.BUREAU_ADMIN)
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900}).new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "import-admin")
    page.fill("input[name=password]", "pw-12345678")
    page.click("button[type=submit]")
    page.wait_for_load_state()

    # upload, review, correct one proposal
    _upload_and_correct(page, live_server.url, word_file)
    page.evaluate("window.scrollTo(0, 0)")
    _shot(page, "1-review-top")
    page.locator("#targets-0").scroll_into_view_if_needed()
    _shot(page, "1-review-targets")
    assert Plan.objects.count() == 0  # nothing saved before confirming

    # confirm: the overview opens on the imported plan
    with page.expect_navigation():
        page.click("#import-confirm")
    assert "/plans/?plan=" in page.url
    assert page.locator("h1").first.inner_text().startswith(TITLE)
    assert "已导入" in page.locator("ul.messages").inner_text()
    _shot(page, "2-imported")
    plan = Plan.objects.get(title=TITLE)
    corrected = AnnualTarget.objects.filter(plan=plan, name=CORRECTED)
    assert corrected.exists()
    first = _counts(plan)
    assert first[:2] == (12, 215)

    # its targets page lists the corrected target
    page.goto(f"{live_server.url}/plans/targets/?plan={plan.key}")
    assert CORRECTED in page.locator("main").inner_text()

    # importing the same document with the same correction changes nothing
    _upload_and_correct(page, live_server.url, word_file)
    with page.expect_navigation():
        page.click("#import-confirm")
    assert "没有变化" in page.locator("ul.messages").inner_text()
    _shot(page, "3-reimported")
    assert Plan.objects.count() == 1 and _counts(plan) == first
