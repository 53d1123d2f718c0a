"""The Dongsheng definitions file and its loader."""
import copy
import io
import json

import pytest
from django.core.management import CommandError, call_command

from indicators.formula import parse
from indicators.models import DataElement, DataSet, DataSetElement, Indicator, TargetLink, ValidationRule
from indicators.services.definitions import (
    DEFAULT_FILE,
    DefinitionsError,
    definitions_check,
    definitions_load,
    definitions_read,
)
from plans.models import Plan

PLAN_KEY = "dongsheng-2019-2022"


@pytest.fixture
def data():
    return definitions_read(DEFAULT_FILE)


def write(tmp_path, data) -> str:
    path = tmp_path / "defs.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_shipped_file_has_no_problems(data):
    assert definitions_check(data) == []


def test_every_formula_parses_over_known_codes(data):
    codes = {e["code"] for e in data["elements"]}
    for indicator in data["indicators"]:
        parse(indicator["numerator"], known_codes=codes)
        if indicator["denominator"]:
            parse(indicator["denominator"], known_codes=codes)
    for dataset in data["datasets"]:
        for rule in dataset["rules"]:
            left = parse(rule["left"], known_codes=dataset["elements"])
            right = parse(rule["right"], known_codes=dataset["elements"])  # may be a number: x * (total - x) == 0
            assert left.codes | right.codes, rule["code"]


def test_every_indicator_element_is_collected_by_some_data_set(data):
    collected = {code for dataset in data["datasets"] for code in dataset["elements"]}
    for indicator in data["indicators"]:
        used = parse(indicator["numerator"]).codes | (parse(indicator["denominator"]).codes
                                                       if indicator["denominator"] else set())
        assert used <= collected, indicator["code"]


def test_load_creates_what_the_file_lists(db, data):
    result = definitions_load(data=data)
    assert DataElement.objects.count() == len(data["elements"]) == result.counts["elements"]
    assert DataSet.objects.count() == len(data["datasets"])
    assert DataSetElement.objects.count() == sum(len(d["elements"]) for d in data["datasets"])
    assert ValidationRule.objects.count() == sum(len(d["rules"]) for d in data["datasets"])
    assert Indicator.objects.count() == len(data["indicators"])
    kg = DataSet.objects.get(code="kg_yearly")
    assert kg.review_steps == 2 and kg.school_types == ["kindergarten"]
    assert DataSet.objects.get(code="district_yearly").is_district_level
    assert Indicator.objects.get(code="myopia_new_incidence").direction == "lower"


def test_load_twice_changes_nothing(db, data):
    definitions_load(data=data)
    before = {model: sorted(model.objects.values_list("pk", flat=True))
              for model in (DataElement, DataSet, DataSetElement, ValidationRule, Indicator)}
    definitions_load(data=data)
    assert before == {model: sorted(model.objects.values_list("pk", flat=True)) for model in before}


def test_rule_dropped_from_file_is_switched_off_not_deleted(db, data):
    definitions_load(data=data)
    smaller = copy.deepcopy(data)
    dropped = smaller["datasets"][0]["rules"].pop(0)["code"]
    definitions_load(data=smaller)
    assert ValidationRule.objects.get(code=dropped).active is False


def test_links_skipped_with_a_hint_when_the_plan_is_not_loaded(db, data):
    result = definitions_load(data=data)
    assert TargetLink.objects.count() == 0
    if data["target_links"]:
        assert any("load_plan" in w for w in result.warnings)


def test_links_loaded_when_the_plan_exists(db, data):
    Plan.objects.create(key=PLAN_KEY, title="方案", start_year=2019, end_year=2022)
    result = definitions_load(data=data)
    assert TargetLink.objects.count() == result.counts["target_links"] == len(data["target_links"])
    untracked = TargetLink.objects.filter(indicator__isnull=True)
    assert all(link.note for link in untracked)


def test_malformed_file_lists_every_problem_with_its_position_and_saves_nothing(db, data):
    bad = copy.deepcopy(data)
    bad["elements"][2]["value_type"] = "text"
    bad["datasets"][1]["rules"][0]["left"] = "teachers_phd"
    bad["indicators"][0]["numerator"] = "__import__('os')"
    with pytest.raises(DefinitionsError) as caught:
        definitions_load(data=bad)
    problems = "\n".join(caught.value.problems)
    assert f"elements[2]({bad['elements'][2]['code']}).value_type" in problems
    assert "datasets[1](school_yearly).rules[0]" in problems and "teachers_phd" in problems
    assert f"indicators[0]({bad['indicators'][0]['code']}).numerator" in problems
    assert DataElement.objects.count() == 0 and Indicator.objects.count() == 0


def test_duplicate_codes_and_unknown_indicator_in_link_are_refused(db, data):
    bad = copy.deepcopy(data)
    bad["elements"].append(dict(bad["elements"][0]))
    bad["target_links"] = [{"plan": PLAN_KEY, "measure": "x", "indicator": "nope", "tolerance": 1}]
    problems = "\n".join(definitions_check(bad))
    assert f"elements[{len(bad['elements']) - 1}]" in problems and "重复" in problems
    assert "target_links[0](x).indicator" in problems


def test_command_reports_json_syntax_error_with_line_and_column(db, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{\n "elements": [\n  {"code": "a",}\n ]\n}', encoding="utf-8")
    with pytest.raises(CommandError, match="第3行"):
        call_command("load_definitions", str(path))
    assert DataElement.objects.count() == 0


def test_command_loads_default_file_and_reports_counts(db, data):
    out = io.StringIO()
    call_command("load_definitions", stdout=out, stderr=io.StringIO())
    assert f"elements {len(data['elements'])}" in out.getvalue()


def test_command_refuses_bad_file_and_lists_positions(db, data, tmp_path):
    bad = copy.deepcopy(data)
    bad["datasets"][0]["review_steps"] = 3
    with pytest.raises(CommandError, match=r"datasets\[0\]\(kg_yearly\)\.review_steps"):
        call_command("load_definitions", write(tmp_path, bad))
    assert DataSet.objects.count() == 0


PLAN_FILE = DEFAULT_FILE.parent.parent.parent / "plans" / "data" / "dongsheng_2019_2022.json"


def plan_measures(node) -> set[str]:
    """Every "measure" value anywhere in the plan file, whatever its layout."""
    if isinstance(node, dict):
        return set().union(*(({v} if k == "measure" and isinstance(v, str) else plan_measures(v))
                             for k, v in node.items()))
    if isinstance(node, list):
        return set().union(set(), *(plan_measures(v) for v in node))
    return set()


@pytest.mark.skipif(not PLAN_FILE.exists(), reason="plans/data/dongsheng_2019_2022.json not written yet")
def test_match_years_must_be_years_of_an_approximate_link(db, data):
    bad = copy.deepcopy(data)
    link = bad["target_links"][0]
    bad["target_links"] = [{**link, "match": "approximate", "match_note": "口径不同", "match_years": ["2022年"]},
                           {**link, "match": "exact", "match_years": [2022]}]
    problems = "\n".join(definitions_check(bad))
    assert "target_links[0]" in problems and "target_links[1]" in problems and problems.count("match_years") == 2


def test_links_cover_exactly_the_measures_of_the_plan_file(data):
    measures = plan_measures(json.loads(PLAN_FILE.read_text(encoding="utf-8")))
    links = {link["measure"]: link for link in data["target_links"] if link["plan"] == PLAN_KEY}
    assert measures and set(links) == measures
    indicator_codes = {i["code"] for i in data["indicators"]}
    for measure, link in links.items():
        assert link["indicator"] in indicator_codes or (link["indicator"] is None and link["note"]), measure


def test_loader_warns_about_plan_measures_without_a_link(db, data):
    from plans.models import AnnualTarget

    plan = Plan.objects.create(key=PLAN_KEY, title="方案", start_year=2019, end_year=2022)
    AnnualTarget.objects.create(plan=plan, measure="unlinked_measure", name="x", year=2020, comparator="gte", value=1)
    result = definitions_load(data=data)
    assert any("unlinked_measure" in w for w in result.warnings)
