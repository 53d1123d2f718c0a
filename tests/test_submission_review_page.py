"""The reviewer's page of one submission (审核): every figure that tripped a soft check is highlighted with the
check's message and the school's 说明, figures read as people read them, and rules the figures break show."""
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import (
    DataElement,
    DataSetElement,
    Submission,
    SubmissionStatus,
    SubmissionValue,
    ValueType,
)
from tests.collection_fixtures import kindergarten_form


def _submission(period, school, status, values, explanations=None):
    submission = Submission.objects.create(period=period, school=school, status=status)
    elements = {e.code: e for e in DataElement.objects.all()}
    for code, value in values.items():
        SubmissionValue.objects.create(submission=submission, element=elements[code], value=Decimal(value),
                                       explanation=(explanations or {}).get(code, ""))
    return submission


@pytest.fixture
def submitted(cast):
    """2021 approved (在园 100); 2022 submitted: 在园 200 (a 100% jump, explained), 公用经费 1,234,567.50 (above
    the expected range, not explained: the range was tightened after the school submitted), 正常办园 是."""
    last_year, this_year = kindergarten_form(year=2021, closed=True), None
    dataset = last_year.dataset
    is_open = DataElement.objects.create(code="open", name_zh="本年度正常办园", name_en="Open",
                                         value_type=ValueType.BOOLEAN)
    DataSetElement.objects.create(dataset=dataset, element=is_open, order=9)
    this_year = last_year.__class__.objects.create(dataset=dataset, year=2022, opens_on=last_year.opens_on,
                                                   deadline=last_year.deadline)
    _submission(last_year, cast.school_a, SubmissionStatus.APPROVED, {"kids": 100, "puhui": 100, "funds": 900000})
    DataElement.objects.filter(code="funds").update(expected_max=Decimal(1000000))
    return _submission(this_year, cast.school_a, SubmissionStatus.SUBMITTED,
                       {"kids": 200, "puhui": 200, "funds": "1234567.50", "open": 1}, {"kids": "新园区开园,扩大招生"})


def _page(client, user, submission, language="zh-hans"):
    client.force_login(user)
    client.cookies["django_language"] = language
    response = client.get(reverse("indicators:submission_detail", args=[submission.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _row(html: str, code: str) -> str:
    return re.search(rf'<tr id="v-{code}"[^>]*>.*?</tr>', html, flags=re.S).group(0)


def test_reviewer_sees_each_soft_check_hit_with_its_message_and_the_schools_explanation(client, cast, submitted):
    html = _page(client, cast.reviewer, submitted)
    kids, funds = _row(html, "kids"), _row(html, "funds")
    assert "soft-hit" in kids and "与上年(100)相比变动100%,超过30%" in kids and "学校说明:新园区开园,扩大招生" in kids
    assert "soft-hit" in funds and "高于合理范围上限1,000,000" in funds and "未填写说明" in funds
    assert "soft-hit" not in _row(html, "puhui") and "soft-hit" not in _row(html, "open")
    summary = re.search(r'<div class="card soft-summary".*?</div>', html, flags=re.S).group(0)
    assert "2项数值需核实" in summary and "在园幼儿数" in summary and "公用经费" in summary


def test_money_has_thousands_separators_and_yes_no_reads_as_words(client, cast, submitted):
    html = _page(client, cast.reviewer, submitted)
    assert "1,234,567.50" in _row(html, "funds") and "900,000.00" in _row(html, "funds")
    assert re.search(r'<td class="num">是</td>', _row(html, "open"))
    assert "1E+" not in html


def test_a_town_reviewer_sees_the_same_highlights(client, cast, submitted):
    html = _page(client, cast.town_reviewer, submitted)
    assert "soft-hit" in _row(html, "kids")


def test_figures_that_break_a_rule_added_after_submission_are_listed(client, cast, submitted):
    SubmissionValue.objects.filter(submission=submitted, element__code="puhui").update(value=450)
    html = _page(client, cast.reviewer, submitted)
    assert "不符合校验规则" in html and "普惠性在园幼儿数不能超过在园幼儿数" in html


def test_a_clean_submission_shows_no_highlight(client, cast):
    period = kindergarten_form()
    clean = _submission(period, cast.school_a, SubmissionStatus.SUBMITTED, {"kids": 100, "puhui": 80})
    html = _page(client, cast.reviewer, clean)
    assert "soft-hit" not in html and "soft-summary" not in html and "不符合校验规则" not in html


@pytest.mark.parametrize(("language", "words"), [("zh-hans", ["需核实", "学校说明", "未填写说明"]),
                                                 ("en", ["Check", "School's explanation", "No explanation given"])])
def test_review_page_in_both_languages(client, cast, submitted, language, words):
    html = _page(client, cast.reviewer, submitted, language)
    assert all(word in html for word in words)


def test_a_school_reporter_is_not_sent_to_the_period_page_it_may_not_open(client, cast, submitted):
    period_page = reverse("indicators:review_period", args=[submitted.period_id])
    # given the period page refuses a school reporter
    client.force_login(cast.reporter_a)
    assert client.get(period_page).status_code == 403
    # then its review page links back to 数据填报, and a reviewer's to the period page
    school = _page(client, cast.reporter_a, submitted)
    assert period_page not in school and f'href="{reverse("indicators:home")}" id="back-link"' in school
    assert f'href="{period_page}" id="back-link"' in _page(client, cast.reviewer, submitted)


def test_history_names_people_by_name_or_unit_never_by_login(client, cast, submitted):
    from indicators.models import SubmissionTransition, ValueChange

    # given a school reporter, a town reviewer and the bureau's admin without full names, a reviewer with one
    cast.reviewer.first_name, cast.reviewer.last_name = "明", "王"
    cast.reviewer.save()
    kids = DataElement.objects.get(code="kids")
    ValueChange.objects.create(submission=submitted, element=kids, old_value=100, new_value=200, by=cast.reporter_a)
    for by, (old, new) in [(cast.reporter_a, ("draft", "submitted")), (cast.town_reviewer, ("submitted", "checked")),
                           (cast.reviewer, ("checked", "approved")), (cast.admin, ("approved", "submitted"))]:
        SubmissionTransition.objects.create(submission=submitted, from_status=old, to_status=new, by=by)
    # when the reviewer opens the page
    html = _page(client, cast.reviewer, submitted)
    # then each is named by name or by the unit and role it stands for
    history = html[html.index("流转记录"):]
    assert "东胜区第一小学 · 学校填报员" in history and "林荫街道 · 镇街教育办审核员" in history
    assert "王明" in history or "明 王" in history
    assert "教体局管理员" in history
    logs = "".join(history.split("</section>")[:2])  # 流转记录 and 数值修改记录
    assert not {"reporter_a", "town_reviewer", "admin"} & set(re.findall(r"[a-z_]+", logs))
