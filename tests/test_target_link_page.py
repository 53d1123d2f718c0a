"""「对应指标」 (issue 13): a bureau admin links a new plan's target to an indicator the bureau already has (毛入园率
is the same figure in every plan) through the UI, with the formula shown in element names; or to none, and the
target says it is tracked by its action items. Saving schedules a rollup after the commit, so the verdict
appears. Everyone else gets a 403 and changes nothing."""
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.formula import formula_in_words
from indicators.models import DataElement, Indicator, RollupRun, TargetLink, TargetStatus
from indicators.services.rollup import rollup_run_all
from plans.models import AnnualTarget, Plan
from plans.services.targets import plan_set_archived
from tests import reports_fixtures


@pytest.fixture
def data(cast):
    """The reports fixture (plan 「测试实施方案」 measures 普惠覆盖率 by the indicator ``puhui``, A*100 / B) and a
    new plan whose 2021 target has the same figure under another measure code, and a count target in 所."""
    old_plan, coverage, _myopia = reports_fixtures.build(cast, by=cast.admin)
    DataElement.objects.update_or_create(code="A", defaults={"name_zh": "普惠性幼儿园在园幼儿数", "name_en": "A",
                                                             "value_type": "integer"})
    DataElement.objects.update_or_create(code="B", defaults={"name_zh": "在园幼儿总数", "name_en": "B",
                                                             "value_type": "integer"})
    plan = Plan.objects.create(key="next-plan", title="2021—2025年实施方案", start_year=2021, end_year=2025)
    AnnualTarget.objects.create(plan=plan, measure="kg_puhui", name="普惠性幼儿园覆盖率", unit="%", year=2021,
                                comparator="gte", value=Decimal(80))
    AnnualTarget.objects.create(plan=plan, measure="kg_puhui", name="普惠性幼儿园覆盖率", unit="%", year=2022,
                                comparator="gte", value=Decimal(85))
    AnnualTarget.objects.create(plan=plan, measure="new_kg", name="新建公办幼儿园", unit="所", year=2022,
                                comparator="gte", value=Decimal(3))
    return plan, old_plan, coverage


def _url(plan, measure="kg_puhui"):
    return f"{reverse('indicators:target_link', args=[measure])}?plan={plan.key}"


def _form(indicator, **more):
    return {"indicator": str(indicator.pk) if indicator else "none", "scope": "town", "tolerance": "2",
            "match": "exact", "match_note": "", "note": "", **more}


# --- access --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who, status", [
    ("admin", 200), ("reviewer", 403), ("leader", 403), ("staff_edu", 403), ("staff_fin", 403),
    ("town_reviewer", 403), ("reporter_a", 403), ("reporter_b", 403), ("outsider", 403),
])
def test_only_the_bureau_admin_opens_and_saves_the_link_page(client, cast, data, who, status):
    plan, _old, coverage = data
    client.force_login(getattr(cast, who))
    assert client.get(_url(plan)).status_code == status
    response = client.post(_url(plan), _form(coverage))
    # then: anyone else is refused and nothing is linked; the admin's save redirects to the targets page
    assert response.status_code == (302 if status == 200 else 403)
    assert TargetLink.objects.filter(plan=plan).exists() == (status == 200)
    if status == 403:
        assert "普惠性幼儿园在园幼儿数" not in response.content.decode()


def test_anonymous_is_sent_to_log_in(client, data):
    plan, _old, _coverage = data
    response = client.get(_url(plan))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_unknown_measure_and_unknown_plan_are_404_not_500(client, cast, data):
    plan, _old, _coverage = data
    client.force_login(cast.admin)
    assert client.get(_url(plan, "no_such_measure")).status_code == 404
    assert client.get(f"{reverse('indicators:target_link', args=['kg_puhui'])}?plan=999999").status_code == 404


# --- what the page shows --------------------------------------------------------------------------------------


def test_page_lists_indicators_with_unit_formula_in_element_names_and_the_plans_using_them(client, cast, data):
    plan, old_plan, coverage = data
    client.force_login(cast.admin)
    page = client.get(_url(plan)).content.decode()
    row = page[page.index('data-indicator="puhui"'):]
    row = row[:row.index("</tr>")]
    assert "普惠性幼儿园覆盖率" in row and "<td>%</td>" in row
    assert "分子:普惠性幼儿园在园幼儿数 × 100" in row and "分母:在园幼儿总数" in row  # names, not codes alone
    assert f"{old_plan.title} · 普惠性幼儿园覆盖率" in row  # which plan already uses it
    assert "建议" in row  # same name as the target
    assert "不对应指标,由行动计划条目跟踪" in page
    assert "尚未设置对应指标" in page


def test_formula_in_words_names_each_element_and_keeps_unknown_codes():
    names = {"puhui_children": "普惠幼儿", "children": "在园幼儿"}
    assert formula_in_words("(puhui_children + x) * 100", names) == "(普惠幼儿 + x) × 100"
    assert formula_in_words("children/pop-1", names) == "在园幼儿 ÷ pop − 1"
    assert formula_in_words("", names) == ""


# --- saving -----------------------------------------------------------------------------------------------------


def test_saving_links_every_year_of_the_measure_and_schedules_a_rollup_after_commit(
        client, cast, data, django_capture_on_commit_callbacks, monkeypatch):
    plan, _old, coverage = data
    scheduled = []
    monkeypatch.setattr("indicators.services.rollup._schedule_after_commit",
                        lambda **kwargs: scheduled.append(kwargs))
    client.force_login(cast.admin)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(_url(plan), _form(coverage, tolerance="1.5"))
    assert response.status_code == 302 and "/plans/targets/" in response["Location"]
    link = TargetLink.objects.get(plan=plan, measure="kg_puhui")
    assert (link.indicator, link.tolerance, link.scope, link.match) == (coverage, Decimal("1.5"), "town", "exact")
    assert scheduled == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert scheduled == [{"year": None, "trigger": "manual"}]


def test_the_verdict_appears_on_the_new_plans_targets_page_after_the_rollup(
        client, cast, data, django_capture_on_commit_callbacks, eager_celery, settings):
    # given the 2021 figures approved at both schools (97.5% and 62.5% → 80.0% of the district's children)
    plan, _old, coverage = data
    settings.ROLLUP_DEBOUNCE_SECONDS = 0
    client.force_login(cast.admin)
    # when the admin links the new plan's target to the bureau's existing indicator
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url(plan), _form(coverage))
    # then the rollup ran and judged it with the one verdict function: 80.0% against ≥80%
    assert RollupRun.objects.filter(trigger="manual", status="succeeded").exists()
    status = TargetStatus.objects.get(target__plan=plan, target__year=2021)
    assert status.indicator == coverage and status.status == "met" and status.actual == Decimal("80")
    page = client.get(f"{reverse('plans:targets')}?plan={plan.key}&year=2021").content.decode()
    assert 'data-status="met"' in page and "✔ 达标" in page and '<strong class="actual">80' in page


def test_choosing_no_indicator_says_the_target_is_tracked_by_its_items(client, cast, data):
    plan, _old, coverage = data
    rollup_run_all()
    client.force_login(cast.admin)
    client.post(_url(plan), _form(coverage))
    rollup_run_all()
    assert TargetStatus.objects.filter(target__plan=plan).exists()
    # when the admin unlinks it
    response = client.post(_url(plan), _form(None, tolerance="5", match="approximate", note="暂无统计口径"))
    # then the link says so (and keeps no tolerance), the stale verdicts are gone, the page says 由条目跟踪
    assert response.status_code == 302
    link = TargetLink.objects.get(plan=plan, measure="kg_puhui")
    assert link.indicator is None and link.tolerance == 0 and link.match == "exact" and link.note == "暂无统计口径"
    assert not TargetStatus.objects.filter(target__plan=plan).exists()
    page = client.get(f"{reverse('plans:targets')}?plan={plan.key}&year=2021").content.decode()
    assert "由行动计划条目跟踪" in page
    assert "不对应指标,由行动计划条目跟踪" in client.get(_url(plan)).content.decode()


def test_the_page_opens_on_the_current_link(client, cast, data):
    plan, _old, coverage = data
    TargetLink.objects.create(plan=plan, measure="kg_puhui", indicator=coverage, tolerance=Decimal("2.5"),
                              scope="school", match="approximate", match_note="含民办普惠园")
    client.force_login(cast.admin)
    page = client.get(_url(plan)).content.decode()
    assert f'value="{coverage.pk}" id="ind-{coverage.pk}" checked' in page
    assert 'value="2.5"' in page and "含民办普惠园" in page and "近似口径" in page


# --- validation: Chinese, naming the field, nothing saved ---------------------------------------------------


@pytest.mark.parametrize("change, message", [
    ({"indicator": ""}, "请选择一个指标"),
    ({"indicator": "987654"}, "所选指标不存在"),
    ({"match": "approximate", "match_note": " "}, "近似口径须填写口径差异说明"),
    ({"tolerance": "-1"}, "接近容差不能为负数"),
    ({"tolerance": "abc"}, "接近容差应为数字"),
    ({"tolerance": "1e400"}, "接近容差"),
    ({"tolerance": "12345678"}, "接近容差最多"),
    ({"scope": "everywhere"}, "请选择适用层级"),
])
def test_bad_input_is_refused_in_chinese_and_saves_nothing(client, cast, data, change, message):
    plan, _old, coverage = data
    client.force_login(cast.admin)
    response = client.post(_url(plan), {**_form(coverage), **change})
    assert response.status_code == 400 and message in response.content.decode()
    assert not TargetLink.objects.filter(plan=plan).exists()
    assert not RollupRun.objects.exists()


def test_an_indicator_in_another_unit_is_refused_naming_both_units(client, cast, data):
    plan, _old, coverage = data
    client.force_login(cast.admin)
    response = client.post(_url(plan, "new_kg"), _form(coverage, scope="district"))
    page = response.content.decode()
    assert response.status_code == 400 and "单位不一致" in page and "「所」" in page and "「%」" in page
    assert not TargetLink.objects.filter(plan=plan).exists()


def test_a_milestone_has_no_tolerance(client, cast, data):
    plan, _old, coverage = data
    AnnualTarget.objects.create(plan=plan, measure="rules", name="出台课后服务办法", year=2022, comparator="gte",
                                value=1, kind="milestone")
    done = Indicator.objects.create(code="rules_done", name_zh="课后服务办法已出台", name_en="Rules",
                                    numerator="R", unit="")
    client.force_login(cast.admin)
    response = client.post(_url(plan, "rules"), _form(done, tolerance="0.5", scope="district"))
    assert response.status_code == 400 and "接近容差应为 0" in response.content.decode()
    assert client.post(_url(plan, "rules"), _form(done, tolerance="0", scope="district")).status_code == 302


def test_an_archived_plans_link_cannot_be_changed(client, cast, data):
    plan, _old, coverage = data
    plan_set_archived(plan=plan, by=cast.admin, archived=True)
    client.force_login(cast.admin)
    assert "已归档" in client.get(_url(plan)).content.decode()
    response = client.post(_url(plan), _form(coverage))
    assert response.status_code == 400 and "已归档" in response.content.decode()
    assert not TargetLink.objects.filter(plan=plan).exists()


def test_targets_page_links_each_target_to_its_link_page_for_the_admin_only(client, cast, data):
    plan, _old, _coverage = data
    client.force_login(cast.admin)
    page = client.get(f"{reverse('plans:targets')}?plan={plan.key}").content.decode()
    assert f'href="{_url(plan)}"' in page
    client.force_login(cast.leader)
    assert "/data/links/" not in client.get(f"{reverse('plans:targets')}?plan={plan.key}").content.decode()


def test_page_renders_in_english(client, cast, data):
    plan, _old, _coverage = data
    client.force_login(cast.admin)
    client.cookies["django_language"] = "en"
    page = client.get(_url(plan)).content.decode()
    assert "Not measured by an indicator; tracked by its action items" in page and "Formula" in page


def test_service_refuses_anyone_but_the_bureau_admin(cast, data):
    from django.core.exceptions import PermissionDenied

    from indicators.services.links import target_link_save

    plan, _old, coverage = data
    for who in (cast.reviewer, cast.leader, cast.staff_edu, cast.reporter_a):
        with pytest.raises(PermissionDenied):
            target_link_save(plan=plan, measure="kg_puhui", by=who, indicator=coverage)
    assert not TargetLink.objects.filter(plan=plan).exists()


def test_the_shipped_definitions_read_in_words_with_no_codes_or_english_on_the_page(client, cast):
    """The 24 Dongsheng indicators: every formula's codes are shown by their element names."""
    from indicators.services.definitions import DEFAULT_FILE, definitions_load, definitions_read
    from plans.services.loading import DEFAULT_FILE as PLAN_FILE
    from plans.services.loading import plan_load, read_plan_file
    from tests.test_crawl import _language_problems, _visible_text

    plan = plan_load(data=read_plan_file(PLAN_FILE)).plan
    definitions_load(data=definitions_read(DEFAULT_FILE))
    client.force_login(cast.admin)
    page = client.get(_url(plan, "preschool_gross_enrolment_rate")).content.decode()
    assert page.count("<tr data-indicator=") == Indicator.objects.count() + 1 == 25
    formulas = re.findall(r'<td class="formula">(.*?)<br><span', page, re.S)
    assert len(formulas) == 24 and not any(re.search(r"[a-z]{2,}_[a-z_]+", f) for f in formulas)
    assert _language_problems(_visible_text(page)) == []
    row = page[page.index('data-indicator="preschool_gross_enrolment_rate"'):]
    assert "建议" in row[:row.index("</tr>")]
