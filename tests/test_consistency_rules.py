"""The consistency rules the definitions' own 口径 imply, checked by one evaluator (``check_rules``) whether the
figures come from the web form, the API or an Excel file, and the audit of all 52 elements that found them.

A kindergarten once submitted 在园 700, 普惠在园 450, 公办在园 450 — the form's own 口径 says each is 0 or the
total — and it passed three reviews."""
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl.utils import get_column_letter
from rest_framework.test import APIClient

from edugov.models import Role
from indicators.formula import parse
from indicators.models import DataSet, ReportingPeriod, Submission, SubmissionStatus, ValidationRule
from indicators.services.definitions import DEFAULT_FILE, definitions_load, definitions_read
from indicators.services.imports import excel_parse, excel_template_build
from indicators.validation import check_rules
from tests.factories import SchoolFactory, user_with_role
from tests.test_excel_import import fill, workbook

DEFINITIONS = definitions_read(DEFAULT_FILE)
ELEMENTS = {e["code"]: e for e in DEFINITIONS["elements"]}
RULES = {rule["code"]: (dataset["code"], rule) for dataset in DEFINITIONS["datasets"] for rule in dataset["rules"]}
# The kindergarten of the report: 700 children, 450 of them "普惠", 450 "公办".
REPORTED = {"kg_open": 1, "kg_children": 700, "kg_children_3_5": 680, "kg_puhui_children": 450,
            "kg_public_children": 450, "kg_staff": 80, "kg_staff_certified": 78, "kg_grade_2a_plus": 1,
            "kg_model": 0, "kg_is_new": 0}
ZERO_OR_ALL = {"puhui_zero_or_all", "public_zero_or_all"}


def _rules(dataset: str) -> list[ValidationRule]:
    return [ValidationRule(code=r["code"], left=r["left"], operator=r["operator"], right=r["right"],
                           message_zh=r["message_zh"]) for code, (d, r) in RULES.items() if d == dataset]


def _codes_of(rule: dict) -> set[str]:
    return set(parse(rule["left"]).codes | parse(rule["right"]).codes)


@pytest.mark.parametrize(
    ("dataset", "figures", "broken"),
    [
        ("kg_yearly", {"kg_children": 700, "kg_puhui_children": 450, "kg_public_children": 450}, ZERO_OR_ALL),
        ("kg_yearly", {"kg_children": 700, "kg_puhui_children": 700, "kg_public_children": 700}, set()),  # 公办园
        ("kg_yearly", {"kg_children": 700, "kg_puhui_children": 700, "kg_public_children": 0}, set()),  # 普惠民办
        ("kg_yearly", {"kg_children": 700, "kg_puhui_children": 0, "kg_public_children": 0}, set()),  # 非普惠民办
        ("kg_yearly", {"kg_children": 0, "kg_puhui_children": 0, "kg_public_children": 0}, set()),
        ("kg_yearly", {"kg_children": 700, "kg_puhui_children": 0, "kg_public_children": 700},
         {"public_lte_puhui"}),  # a public kindergarten is 普惠 by definition
        ("kg_yearly", {"kg_children": 700, "kg_puhui_children": 800, "kg_public_children": 0},
         {"puhui_lte_children", "puhui_zero_or_all"}),
        ("kg_yearly", {"kg_model": 1, "kg_grade_2a_plus": 0}, {"model_implies_grade_2a"}),
        ("kg_yearly", {"kg_model": 1, "kg_grade_2a_plus": 1}, set()),
        ("kg_yearly", {"kg_model": 0, "kg_grade_2a_plus": 1}, set()),
        ("kg_yearly", {"kg_is_new": 1, "kg_open": 0}, {"new_kg_implies_open"}),
        ("kg_yearly", {"kg_is_new": 0, "kg_open": 0}, set()),
        ("school_yearly", {"cohort_entry": 100, "cohort_now": 101}, {"cohort_now_lte_entry"}),
        ("school_yearly", {"cohort_entry": 100, "cohort_now": 100}, set()),
        ("school_yearly", {"is_new_primary": 1, "school_open": 0}, {"new_primary_implies_open"}),
        ("school_yearly", {"is_new_primary": 1, "school_open": 1}, set()),
    ],
)
def test_rules_implied_by_the_definitions(dataset, figures, broken):
    problems = check_rules(_rules(dataset), {code: Decimal(value) for code, value in figures.items()})
    assert {p.rule for p in problems} == broken


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_message_is_chinese_and_names_its_fields(code):
    _, rule = RULES[code]
    for element in _codes_of(rule):
        assert ELEMENTS[element]["name_zh"] in rule["message_zh"], (code, element)
    assert rule["message_en"]


def test_every_element_has_an_audit_naming_its_rules_or_why_none():
    assert len(ELEMENTS) == 52  # 36, and the 16 per-section elements of 义务教育优质均衡 (issue 14)
    no_rule = ("不设规则", "无法校验", "没有可校验", "没有本表内的关系", "未设规则")
    for code, element in ELEMENTS.items():
        audit = element.get("rules_audit", "")
        mine = {rule_code for rule_code, (_, rule) in RULES.items() if code in _codes_of(rule)}
        # every rule over the element is named in its audit, and an element without one says why
        assert all(rule_code in audit for rule_code in mine), (code, mine)
        assert mine or any(words in audit for words in no_rule), code


def test_the_audits_name_only_codes_that_exist():
    known = set(ELEMENTS) | set(RULES) | {d["code"] for d in DEFINITIONS["datasets"]}
    for code, element in ELEMENTS.items():
        named = set(re.findall(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+", element["rules_audit"]))
        assert named <= known, (code, named - known)


# ---------------------------------------------------------------- the same rule on every way in


@pytest.fixture
def kindergarten(cast):
    definitions_load(data=DEFINITIONS)
    school = SchoolFactory(code="DSK900", town=cast.town_a, school_type="kindergarten")
    reporter = user_with_role("dsk900", Role.SCHOOL_REPORTER, school=school)
    period = ReportingPeriod.objects.create(dataset=DataSet.objects.get(code="kg_yearly"), year=2022,
                                            opens_on="2022-09-01", deadline="2099-10-31")
    return school, reporter, period


def test_web_form_refuses_to_submit_part_of_the_children_as_puhui(client, kindergarten):
    school, reporter, period = kindergarten
    client.force_login(reporter)
    client.post(reverse("indicators:start", args=[period.pk]))
    submission = Submission.objects.get(period=period, school=school)
    data = {"version": submission.version, "action": "submit", **{f"v_{k}": str(v) for k, v in REPORTED.items()}}
    response = client.post(reverse("indicators:submission_form", args=[submission.pk]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "普惠性在园幼儿数应为0(非普惠园)或等于在园幼儿数(普惠园)" in html
    assert "公办园在园幼儿数应为0(民办园)或等于在园幼儿数(公办园)" in html
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.DRAFT


def test_api_refuses_to_submit_part_of_the_children_as_puhui(kindergarten):
    school, reporter, period = kindergarten
    api = APIClient()
    api.force_authenticate(reporter)
    created = api.post("/api/submissions/", {"period": period.pk, "school": school.pk}, format="json")
    assert created.status_code in (200, 201), created.content
    pk = created.json()["id"]
    saved = api.put(f"/api/submissions/{pk}/values/", {"version": 0, "values": REPORTED}, format="json")
    assert saved.status_code == 200, saved.content
    response = api.post(f"/api/submissions/{pk}/submit/")
    assert response.status_code == 400
    assert "普惠性在园幼儿数应为0" in str(response.json()) and "公办园在园幼儿数应为0" in str(response.json())


def test_excel_import_refuses_part_of_the_children_as_puhui_at_its_cell(kindergarten):
    school, reporter, period = kindergarten
    template = excel_template_build(period=period, by=reporter)
    header = [c.value for c in workbook(template).worksheets[0][1]]
    figures = {code: ("是" if code == "kg_open" else value) for code, value in REPORTED.items()}
    preview = excel_parse(fill(template, {school.code: figures}), period=period, by=reporter)
    found = {(p.column, p.message) for p in preview.problems}
    assert (get_column_letter(header.index("kg_puhui_children") + 1),
            "普惠性在园幼儿数应为0(非普惠园)或等于在园幼儿数(普惠园),不能只填其中一部分") in found
    assert (get_column_letter(header.index("kg_public_children") + 1),
            "公办园在园幼儿数应为0(民办园)或等于在园幼儿数(公办园),不能只填其中一部分") in found
    assert not preview.rows
