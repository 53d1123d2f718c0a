import copy
import json

import pytest
from django.core.management import CommandError, call_command

from plans.models import ActionItem, AnnualTarget, Department, ItemStatus, Plan, Programme, TargetSource
from plans.services.loading import DEFAULT_FILE, PlanFileError, plan_load, read_plan_file

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def dongsheng():
    return read_plan_file(DEFAULT_FILE)


@pytest.fixture
def loaded(dongsheng):
    return plan_load(data=dongsheng).plan


def _counts():
    return [m.objects.count() for m in (Plan, Programme, Department, ActionItem, AnnualTarget, TargetSource)]


def test_dongsheng_plan_has_the_document_shape(loaded):
    assert loaded.doc_number == "东党办发〔2019〕43号"
    assert loaded.programmes.count() == 12
    per_year = {y: ActionItem.objects.filter(year=y).count() for y in range(2019, 2023)}
    assert per_year == {2019: 51, 2020: 60, 2021: 53, 2022: 51}
    assert sum(per_year.values()) == 215
    # Each of the four yearly tables covers all twelve programmes.
    for year in range(2019, 2023):
        assert ActionItem.objects.filter(year=year).values("programme").distinct().count() == 12


def test_every_department_of_the_tables_is_there(loaded):
    names = set(Department.objects.values_list("name", flat=True))
    assert {"教体局", "财政局", "住建局", "自然资源分局", "残联", "民族事务委员会", "发改委", "编办", "人社局",
            "工信和科技局", "公安分局", "卫健委", "关工委", "编委办"} <= names
    assert not ActionItem.objects.filter(departments=None).exists()


@pytest.mark.parametrize(
    "year, programme, order, text, departments",
    [
        (2019, 2, 1, "出台《东胜区0-3岁幼儿托育机构管理暂行办法》。", {"教体局", "财政局"}),
        (2019, 3, 2, "新开工建设小学2所。", {"教体局", "住建局", "自然资源分局", "残联"}),
        (2020, 2, 1, "新增公办幼儿园3所。", {"教体局", "住建局", "自然资源分局", "财政局"}),
        (2022, 1, 3, "落实“阳光亮眼工程”。开展学生视力普查,全面摸清学生视力具体情况,"
         "采取有效措施加强近视防控,近视新增发病率控制在5%以下。", None),
    ],
)
def test_sample_items_match_the_document_words(loaded, year, programme, order, text, departments):
    item = ActionItem.objects.get(year=year, programme__number=programme, order=order)
    assert item.text == text
    if departments:
        assert set(item.departments.values_list("name", flat=True)) == departments


@pytest.mark.parametrize(
    "measure, year, comparator, value, low, high",
    [
        ("preschool_gross_enrolment_rate", 2020, "gte", 95, None, None),
        ("preschool_gross_enrolment_rate", 2021, "gte", 97, None, None),
        ("puhui_kindergarten_coverage", 2020, "gte", 80, None, None),
        ("teacher_training_fund_share", 2019, "gte", 5, None, None),
        ("teacher_training_fund_share", 2022, "gte", 8, None, None),
        ("myopia_new_incidence", 2022, "lt", 5, None, None),
        ("ppp_schools", 2022, "range", None, 5, 7),
        ("new_primary_schools", 2019, "eq", 2, None, None),
    ],
)
def test_sample_targets_match_the_document_numbers(loaded, measure, year, comparator, value, low, high):
    target = AnnualTarget.objects.get(measure=measure, year=year)
    assert target.comparator == comparator
    expected = tuple(None if n is None else pytest.approx(n) for n in (value, low, high))
    assert (target.value, target.low, target.high) == expected


def test_range_targets_are_marked_approximate(loaded):
    target = AnnualTarget.objects.get(measure="ppp_schools", year=2022)
    assert target.approximate and target.display_goal() == "5–7所左右"
    assert target.sources.get().text == "2022年利用PPP等新模式创办学校5-7所"


def test_targets_stated_twice_with_different_numbers_are_conflicts_with_both_sources(loaded):
    puhui = AnnualTarget.objects.get(measure="puhui_kindergarten_coverage", year=2022)
    assert puhui.conflict and not puhui.conflict_resolved
    assert sorted(float(s.value) for s in puhui.sources.all()) == [85, 86, 86]
    assert {s.section for s in puhui.sources.all()} >= {"总体目标", "2022年行动计划表"}
    enrolment = AnnualTarget.objects.get(measure="preschool_gross_enrolment_rate", year=2022)
    assert enrolment.conflict
    assert sorted(float(s.value) for s in enrolment.sources.all()) == [98, 98.5, 98.5]
    # The first statement counts until the bureau chooses.
    assert float(enrolment.value) == 98 and enrolment.sources.get(chosen=True).section == "总体目标"


def test_consistent_repetitions_are_not_conflicts(loaded):
    fund = AnnualTarget.objects.get(measure="teacher_training_fund_share", year=2019)
    assert fund.sources.count() == 2 and not fund.conflict


def test_loading_twice_changes_nothing_and_keeps_recorded_progress(dongsheng, loaded):
    before = _counts()
    ActionItem.objects.filter(year=2019, order=1).update(status=ItemStatus.DONE, progress=100)
    result = plan_load(data=dongsheng)
    assert result.unchanged
    assert _counts() == before
    assert ActionItem.objects.filter(year=2019, order=1, status=ItemStatus.DONE).count() == 12


def test_command_loads_the_default_file_and_reports_unchanged(capsys):
    call_command("load_plan")
    call_command("load_plan")
    assert "无变化" in capsys.readouterr().out
    assert ActionItem.objects.count() == 215


def _broken(dongsheng, change):
    data = copy.deepcopy(dongsheng)
    change(data)
    return data


@pytest.mark.parametrize(
    "change, place",
    [
        (lambda d: d["action_items"][17]["departments"].append("不存在局"), "action_items[17].departments[2]"),
        (lambda d: d["targets"][3].update(comparator="about"), "targets[3].comparator"),
        (lambda d: d["action_items"][5].update(year=2030), "action_items[5].year"),
        (lambda d: d["action_items"][0].update(programme=13), "action_items[0].programme"),
        (lambda d: d["targets"][0].update(comparator="range", low=None), "targets[0]"),
        (lambda d: d["programmes"][2].pop("name"), "programmes[2].name"),
        (lambda d: d["action_items"].append(dict(d["action_items"][0])), "action_items[215]"),
        (lambda d: d["targets"][1].update(value="九十五"), "targets[1].value"),
        (lambda d: d.update(format="other/9"), "format"),
    ],
)
def test_malformed_file_is_refused_with_its_place_and_nothing_saved(dongsheng, change, place):
    with pytest.raises(PlanFileError) as exc:
        plan_load(data=_broken(dongsheng, change))
    assert any(problem.startswith(place) for problem in exc.value.problems), exc.value.problems
    assert _counts() == [0, 0, 0, 0, 0, 0]


def test_malformed_reload_leaves_a_loaded_plan_as_it_was(dongsheng, loaded):
    before = _counts()
    broken = _broken(dongsheng, lambda d: d["action_items"][3].update(text=""))
    with pytest.raises(PlanFileError, match=r"action_items\[3\]\.text"):
        plan_load(data=broken)
    assert _counts() == before


def test_json_syntax_error_names_line_and_column(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"format": "edugov-plan/1",\n  "plan": {,}}', encoding="utf-8")
    with pytest.raises(CommandError, match="第2行"):
        call_command("load_plan", str(path))


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="文件不存在"):
        call_command("load_plan", str(tmp_path / "none.json"))


def test_the_shipped_file_is_valid_json_with_every_source_sentence():
    data = json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
    assert all(t["source_text"] for t in data["targets"])
    assert len({(t["measure"], t["year"]) for t in data["targets"]}) >= 40
