"""优质均衡 blockers in a meeting: frozen with the snapshot, named in the briefing's 风险与问题 and on the
「需要研究解决的问题」 slides, every number one of the snapshot's."""
import datetime
import re

import pytest

from indicators.models import (
    DataElement,
    DataSet,
    DataSetElement,
    ReportingPeriod,
    Submission,
    SubmissionStatus,
    SubmissionValue,
)
from reports.balance_text import blockers
from reports.briefing import build_briefing
from reports.selectors.balance import balance_brief
from reports.services import snapshot_freeze
from reports.slides import meeting_slides
from tests import reports_fixtures
from tests.factories import SchoolFactory
from tests.test_balance_page import _figures
from tests.test_briefing import _numbers_of


def _approve(period, school, values: dict) -> Submission:
    submission = Submission.objects.create(period=period, school=school, status=SubmissionStatus.APPROVED)
    for code, value in values.items():
        element, _ = DataElement.objects.get_or_create(code=code, defaults={
            "name_zh": code, "name_en": code, "value_type": "decimal"})
        DataSetElement.objects.get_or_create(dataset=period.dataset, element=element,
                                             defaults={"order": DataSetElement.objects.count()})
        SubmissionValue.objects.create(submission=submission, element=element, value=value)
    return submission


@pytest.fixture
def plan(cast):
    """The reports fixture's plan, and in 2021: 东胜区第一小学 meets the rule, 泊江海子小学 has 4 key teachers for 800
    pupils (half the standard, under the 85% floor), a nine-year school meets it in both sections."""
    plan, _, _ = reports_fixtures.build(cast, by=cast.admin)
    dataset = DataSet.objects.create(code="school_yearly", name_zh="中小学基本情况年报", name_en="Schools",
                                     period_type="yearly")
    period = ReportingPeriod.objects.create(dataset=dataset, year=2021, opens_on=datetime.date(2021, 9, 1),
                                            deadline=datetime.date(2021, 10, 31))
    nine = SchoolFactory(town=cast.town_a, name="东胜区第九年制学校", school_type="nine_year")
    _approve(period, cast.school_a, _figures("primary", 1000))
    _approve(period, cast.school_b, {**_figures("primary", 800), "key_teachers_primary": 4})
    _approve(period, nine, {**_figures("primary", 600), **_figures("junior", 300)})
    return plan


def _freeze(plan, by):
    return snapshot_freeze(plan=plan, year=2021, title="2021年教育工作推进会", indicator_codes=["puhui"], by=by)


def test_snapshot_freezes_the_years_blockers(cast, plan):
    balance = _freeze(plan, cast.admin).payload["balance"]
    primary = next(s for s in balance["sections"] if s["code"] == "primary")
    assert (balance["year"], balance["min_met"], balance["floor_percent"]) == (2021, 6, 85)
    assert (primary["status"], primary["expected"], primary["reported"]) == ("not_met", 3, 3)
    assert (primary["passing"], primary["failing"], primary["failing_schools"]) == (2, 1, ["泊江海子小学"])


def test_briefing_names_the_failing_school_with_numbers_from_the_snapshot(cast, plan):
    snapshot = _freeze(plan, cast.admin)
    briefing = build_briefing(payload=snapshot.payload, title=snapshot.title)
    risks = next(s for s in briefing.sections if s.heading == "风险与问题")
    sentence = risks.paragraphs[-1]
    primary = next(s for s in snapshot.payload["balance"]["sections"] if s["code"] == "primary")
    assert sentence == (f"2021年义务教育优质均衡小学学段,未达标;{primary['failing']}所学校未达到“至少6项达标、"
                        "其余不低于85%”:泊江海子小学。")
    allowed = _numbers_of(snapshot.payload)
    for token in re.findall(r"\d[\d,]*(?:\.\d+)?", sentence):
        assert float(token.replace(",", "")) in allowed, f"「{token}」 is not in the snapshot"


def test_frozen_meeting_keeps_its_blockers_when_more_figures_are_approved(cast, plan):
    snapshot = _freeze(plan, cast.admin)
    before = build_briefing(payload=snapshot.payload, title=snapshot.title).sections[3].paragraphs
    SubmissionValue.objects.filter(submission__school=cast.school_b, element__code="key_teachers_primary").update(
        value=20)
    assert balance_brief(year=2021)["sections"][0]["failing"] == 0  # today's figures: nothing fails
    snapshot.refresh_from_db()
    assert build_briefing(payload=snapshot.payload, title=snapshot.title).sections[3].paragraphs == before


def test_problem_slides_end_with_the_blockers(cast, plan):
    snapshot = _freeze(plan, cast.admin)
    slides = meeting_slides(snapshot.payload, title=snapshot.title, date_text="2022年3月1日",
                            as_of_text="数据截至 2022-03-01 09:30", live=False)
    problems = [p for s in slides if s["kind"] == "problems" for p in s["problems"]]
    assert problems[-1]["headline"] == "2021年义务教育优质均衡小学学段,✘ 未达标"
    assert problems[-1]["note"] == "1所学校未达到“至少6项达标、其余不低于85%”:泊江海子小学"
    kicker = next(s for s in slides if s["kind"] == "problems")["kicker"]
    assert kicker.endswith(",义务教育优质均衡1个学段未达要求")


def test_no_section_figures_no_blocker_sentence(cast):
    plan, _, _ = reports_fixtures.build(cast, by=cast.admin)
    snapshot = _freeze(plan, cast.admin)
    assert snapshot.payload["balance"] is None
    text = " ".join(p for s in build_briefing(payload=snapshot.payload, title="t").sections for p in s.paragraphs)
    assert "优质均衡" not in text


def test_blocker_note_names_a_few_schools_and_every_spread_above_its_maximum():
    balance = {"year": 2022, "min_met": 6, "floor_percent": 85, "sections": [{
        "code": "junior", "name_zh": "初中", "name_en": "Junior secondary", "status": "incomplete", "expected": 24,
        "reported": 13, "passing": 9, "failing": 4, "failing_schools": ["甲中学", "乙中学", "丙中学", "丁中学"],
        "cv_over": [{"name_zh": "生均体育运动场馆面积", "name_en": "Sports ground", "cv": 0.472, "cv_max": 0.45}]}]}
    [blocker] = blockers(balance, named=3)
    assert blocker["headline"] == "2022年义务教育优质均衡初中学段,… 数据未齐(已报 13/24 所)"
    assert blocker["note"] == ("4所学校未达到“至少6项达标、其余不低于85%”:甲中学、乙中学、丙中学等;"
                               "生均体育运动场馆面积差异系数0.472,高于0.45")
    balance["sections"][0].update(failing=0, failing_schools=[], cv_over=[])
    assert blockers(balance, named=3) == []
