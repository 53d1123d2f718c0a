"""/reports/collection/ and the period's review page tell one story: the same counts in the same words, adding up
to 应报, and the same 按时上报率 (on-time schools over all expected after the deadline; 已提交 m/n before it),
all from period_completeness. An empty dashboard says who creates periods and where."""
import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from indicators.models import ReportingPeriod, Submission, SubmissionStatus
from tests.collection_fixtures import kindergarten_form
from tests.factories import SchoolFactory

STATES = [SubmissionStatus.DRAFT, SubmissionStatus.SUBMITTED, SubmissionStatus.CHECKED, SubmissionStatus.APPROVED,
          SubmissionStatus.APPROVED, SubmissionStatus.RETURNED]


@pytest.fixture
def period(cast):
    """Nine schools expected: one in each state (two approved), three not started. Every sent form went in
    before the deadline; the draft was never sent."""
    period = kindergarten_form(review_steps=2)
    schools = [cast.school_a, cast.school_b, *[SchoolFactory(town=cast.town_a) for _ in range(7)]]
    sent = timezone.now() - datetime.timedelta(days=2)
    for school, status in zip(schools, STATES, strict=False):
        Submission.objects.create(period=period, school=school, status=status,
                                  submitted_at=None if status == SubmissionStatus.DRAFT else sent)
    return period


def _deadline(period, days_from_today):
    ReportingPeriod.objects.filter(pk=period.pk).update(
        deadline=datetime.date.today() + datetime.timedelta(days=days_from_today))


def _pages(client, cast, period):
    client.force_login(cast.admin)
    dashboard = client.get(reverse("reports:collection"), {"period": period.pk}).content.decode()
    review = client.get(reverse("indicators:review_period", args=[period.pk])).content.decode()
    return dashboard, review


def _rate_card(page):
    card = page[page.index('id="on-time"'):]
    return re.sub(r"\s+", " ", card[:card.index("</div>")])


def _counts(page):
    section = page[page.index('id="progress-summary"'):]
    section = section[:section.index("</section>")]
    return {key: int(n) for key, n in re.findall(r'data-count="(\w+)">(\d+)<', section)}, section


def test_after_the_deadline_both_pages_divide_on_time_schools_by_all_expected(client, cast, period):
    _deadline(period, -1)  # five sent on time, three never started, one draft: 5/9, not 5/5
    dashboard, review = _pages(client, cast, period)
    assert _rate_card(dashboard) == _rate_card(review)
    assert 'data-rate="final">56%' in dashboard and "按时上报 5 所 / 应报 9 所" in dashboard
    assert "100%" not in _rate_card(dashboard)


def test_before_the_deadline_the_dashboard_shows_the_count_not_a_rate(client, cast, period):
    dashboard, review = _pages(client, cast, period)
    card = _rate_card(dashboard)
    assert card == _rate_card(review)
    assert 'data-rate="provisional">5/9' in card and "截止前暂不计算比率:已提交 5 所,应报 9 所" in card
    assert "%" not in card


def test_the_dashboard_lists_every_state_and_the_counts_add_up_to_expected(client, cast, period):
    dashboard, review = _pages(client, cast, period)
    counts, _section = _counts(dashboard)
    expected = counts.pop("expected")
    assert expected == 9 and sum(counts.values()) == expected
    assert counts == {"not_started": 3, "draft": 1, "submitted": 1, "checked": 1, "approved": 2, "returned": 1}
    assert _counts(review)[0] == {**counts, "expected": expected}


def test_each_count_has_one_word_on_every_page(client, cast, period):
    dashboard, review = _pages(client, cast, period)
    for page in (dashboard, review):
        _counts_, section = _counts(page)
        # 待审核: waiting for a reviewer now; 已提交: ever sent; 已审核通过: approved. Never the ambiguous 「已上报」.
        for word in ("待审核", "镇街已审核", "已审核通过", "已提交", "未开始", "草稿", "已退回"):
            assert word in section
        assert "已上报" not in section and "已审核 " not in section
    client.force_login(cast.admin)
    home = client.get(reverse("indicators:home")).content.decode()
    assert "已提交/应报" in home and f'data-progress="{period.pk}">5/9<' in home  # the review page's 已提交 5 所


def test_the_dashboard_in_english_uses_the_catalogue(client, cast, period):
    client.force_login(cast.admin)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("reports:collection"), {"period": period.pk}).content.decode()
    _counts_, section = _counts(page)
    assert "Awaiting review" in section and "5 of 9 schools have submitted" in section
    assert not re.search(r"[\u4e00-\u9fff]", re.sub(r"<[^>]+>", "", section))


@pytest.mark.parametrize(("who", "link"), [("admin", True), ("leader", False), ("reviewer", False)])
def test_without_periods_the_dashboard_says_who_creates_them(client, cast, who, link):
    client.force_login(getattr(cast, who))
    page = client.get(reverse("reports:collection")).content.decode()
    assert "尚无填报周期" in page and "教育局管理员" in page
    assert (reverse("admin:indicators_reportingperiod_add") in page) is link
