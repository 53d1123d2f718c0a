"""Target kinds beyond a number (issue 13): a ratio 「1:2000」, a count of units, money, a yes/no milestone and a
baseline 「由91.3%提高到94%」 — in the plan file and its schema, the text import, the one verdict and the pages."""
import copy
from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import Indicator, IndicatorValue, TargetLink
from indicators.verdicts import judge
from plans.models import AnnualTarget, TargetKind
from plans.services.loading import PlanFileError, plan_load, validate_plan_data
from plans.services.plan_schema import schema_problems
from plans.textimport.proposal import paragraph_targets, to_plan_file
from reports.formatting import fmt_value
from tests.reports_fixtures import AS_OF

RATIO = "到2022年,农村学校专职心理健康教师师生比不低于1:2000"
SCHOOLS = "2020年,新建义务教育学校5所"
MONEY = "2021年,安排教师培训经费不低于500万元"
MILESTONE = "2020年,出台《东胜区中小学课后服务管理办法》"
BASELINE = "2021年,义务教育巩固率由91.3%提高到94%"


def _target(measure, name, year, comparator, text, *, kind, value=None, unit="", **more):
    return {"measure": measure, "name": name, "year": year, "comparator": comparator, "value": value, "unit": unit,
            "kind": kind, "section": "总体目标", "source_text": text, **more}


PLAN = {
    "format": "edugov-plan/1",
    "plan": {"key": "kinds-2020-2022", "title": "目标类型测试方案", "start_year": 2020, "end_year": 2022},
    "departments": ["教体局"],
    "programmes": [{"number": 1, "name": "综合工程"}],
    "action_items": [{"year": 2020, "programme": 1, "order": 1, "text": "出台课后服务管理办法。",
                      "departments": ["教体局"]}],
    "targets": [
        _target("psych_ratio", "农村学校专职心理健康教师师生比", 2022, "lte", RATIO, kind="ratio", value=2000),
        _target("new_schools", "新建义务教育学校", 2020, "gte", SCHOOLS, kind="count", value=5, unit="所"),
        _target("training_fund", "教师培训经费", 2021, "gte", MONEY, kind="money", value=500, unit="万元"),
        _target("after_school_rules", "出台课后服务管理办法", 2020, "gte", MILESTONE, kind="milestone", value=1),
        _target("retention", "义务教育巩固率", 2021, "gte", BASELINE, kind="number", value=94, unit="%",
                baseline=91.3),
    ],
}


@pytest.fixture
def kinds_plan(db):
    return plan_load(data=copy.deepcopy(PLAN)).plan


def _get(plan, measure) -> AnnualTarget:
    return plan.targets.get(measure=measure)


def test_every_kind_loads_and_a_second_load_changes_nothing(kinds_plan):
    kinds = dict(kinds_plan.targets.values_list("measure", "kind"))
    assert kinds == {"psych_ratio": "ratio", "new_schools": "count", "training_fund": "money",
                     "after_school_rules": "milestone", "retention": "number"}
    assert _get(kinds_plan, "retention").baseline == Decimal("91.3")
    assert plan_load(data=copy.deepcopy(PLAN)).unchanged


def test_schema_documents_kind_and_baseline():
    assert schema_problems(copy.deepcopy(PLAN)) == []
    bad = copy.deepcopy(PLAN)
    bad["targets"][0]["kind"] = "percentage"
    assert any("targets[0].kind" in p for p in schema_problems(bad))


@pytest.mark.parametrize("index, change, where, words", [
    (0, {"comparator": "gte"}, "targets[0].comparator", "原文"),  # 不低于1:2000 is ≤ 2000 per teacher, not ≥
    (0, {"kind": "percentage"}, "targets[0].kind", "应为"),
    (3, {"value": 2}, "targets[3]", "milestone"),
    (4, {"baseline": 90}, "targets[4].baseline", "未出现在原文"),
])
def test_loader_refuses_a_kind_its_words_contradict(index, change, where, words):
    data = copy.deepcopy(PLAN)
    data["targets"][index].update(change)
    with pytest.raises(PlanFileError) as error:
        validate_plan_data(data)
    assert any(p.startswith(where) and words in p for p in error.value.problems), error.value.problems


def test_goals_and_figures_read_as_the_plan_writes_them(kinds_plan):
    ratio = _get(kinds_plan, "psych_ratio")
    assert ratio.display_goal() == "不低于1:2000" and ratio.display_actual(Decimal("1850.4")) == "1:1,850"
    assert _get(kinds_plan, "new_schools").display_goal() == "≥5所"
    assert _get(kinds_plan, "training_fund").display_goal() == "≥500万元"
    assert _get(kinds_plan, "after_school_rules").display_goal() == "完成"
    assert _get(kinds_plan, "after_school_rules").display_actual(0) == "否"
    assert _get(kinds_plan, "retention").display_goal() == "由91.3%提高到94%以上"
    assert fmt_value(1850.4, "", 1, "ratio") == "1:1,850" and fmt_value(1, "", 0, "milestone") == "是"


@pytest.mark.parametrize("measure, actual, tolerance, status", [
    ("psych_ratio", 1850, 0, "met"),  # 1:1850 has more teachers than 1:2000
    ("psych_ratio", 2100, 0, "not_met"),
    ("after_school_rules", 0, 1, "not_met"),  # a milestone is done or not: no 接近
    ("after_school_rules", 1, 0, "met"),
    ("retention", Decimal("93.5"), 1, "close"),  # the baseline is shown, never judged
])
def test_stored_targets_go_through_the_one_verdict(kinds_plan, measure, actual, tolerance, status):
    assert judge(target=_get(kinds_plan, measure), actual=actual, tolerance=tolerance).status == status


# --- the text import reads the kinds -------------------------------------------------------------------------


@pytest.mark.parametrize("sentence, expected", [
    (RATIO + "。", {"kind": "ratio", "comparator": "lte", "value": 2000, "name": "农村学校专职心理健康教师师生比"}),
    ("2022年,生师比不高于1∶15。", {"kind": "ratio", "comparator": "gte", "value": 15}),
    (SCHOOLS + "。", {"kind": "count", "comparator": "gte", "value": 5, "unit": "所"}),
    (MONEY + "。", {"kind": "money", "comparator": "gte", "value": 500, "unit": "万元"}),
    (BASELINE + "。", {"kind": "number", "value": 94, "baseline": 91.3, "name": "义务教育巩固率"}),
    ("2020年,普惠性幼儿园覆盖率达到80%以上。", {"kind": "number", "value": 80, "comparator": "gte"}),
])
def test_parser_proposes_the_kind(sentence, expected):
    rows = paragraph_targets(sentence, section="总体目标", default_year=2020)
    assert len(rows) == 1, rows  # the baseline 91.3% is not a target of its own
    assert {k: rows[0].get(k) for k in expected} == expected


def test_parsed_kinds_pass_the_loader(db):
    text = "。".join([RATIO, SCHOOLS, MONEY, BASELINE]) + "。"
    targets = paragraph_targets(text, section="总体目标", default_year=2020)
    for number, row in enumerate(targets, start=1):
        row["measure"] = f"m{number}"
    proposal = {"plan": PLAN["plan"], "programmes": PLAN["programmes"], "action_items": PLAN["action_items"],
                "targets": targets}
    plan = plan_load(data=to_plan_file(proposal)).plan
    assert sorted(plan.targets.values_list("kind", flat=True)) == ["count", "money", "number", "ratio"]


# --- pages ---------------------------------------------------------------------------------------------------


def test_targets_page_shows_each_kind(client, cast, kinds_plan):
    client.force_login(cast.leader)
    page = client.get(reverse("plans:targets") + f"?plan={kinds_plan.key}").content.decode()
    for goal in ["不低于1:2000", "≥5所", "≥500万元", "完成", "由91.3%提高到94%以上"]:
        assert goal in page


def test_overview_card_shows_a_ratio_as_a_ratio(client, cast, kinds_plan):
    indicator = Indicator.objects.create(code="psych_ratio", name_zh="专职心理健康教师师生比", name_en="Pupils per "
                                         "psychology teacher", numerator="A", denominator="B", unit="", decimals=0)
    TargetLink.objects.create(plan=kinds_plan, measure="psych_ratio", indicator=indicator, tolerance=Decimal(100))
    IndicatorValue.objects.create(indicator=indicator, year=2022, level="district", unit_key="district",
                                  unit_label="全区", value=Decimal("1850"), schools_expected=10, schools_reported=10,
                                  computed_at=AS_OF)
    client.force_login(cast.leader)
    page = client.get(reverse("reports:overview") + f"?plan={kinds_plan.key}&year=2022").content.decode()
    assert "1:1,850" in page and "不低于1:2000" in page
    assert TargetKind.RATIO.label == "比例"


@pytest.mark.parametrize("comparator, value, baseline, approximate, goal", [
    ("gte", 98, 95, False, "由95%提高到98%以上"),  # 「由95%提高到98%以上」 keeps its 以上
    ("gt", 98, 95, False, "由95%提高到超过98%"),
    ("eq", 98, 95, False, "由95%提高到98%"),
    ("lte", 5, 8, False, "由8%降低到5%以下"),
    ("lt", 5, 8, False, "由8%降低到低于5%"),
    ("gte", 98, 95, True, "由95%提高到98%左右"),
])
def test_a_baseline_goal_keeps_its_comparator(comparator, value, baseline, approximate, goal):
    target = AnnualTarget(comparator=comparator, value=Decimal(value), baseline=Decimal(baseline), unit="%",
                          approximate=approximate, kind=TargetKind.NUMBER)
    assert target.display_goal() == goal


def test_a_baseline_goal_in_english_keeps_its_comparator():
    from django.utils import translation

    target = AnnualTarget(comparator="gte", value=Decimal(98), baseline=Decimal(95), unit="%", kind="number")
    with translation.override("en"):
        assert target.display_goal() == "from 95% up to at least 98%"
