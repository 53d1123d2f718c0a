import copy
import json
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from plans.models import ActionItem, AnnualTarget, Department, ItemStatus, Plan, Programme, TargetSource
from plans.services.conflicts import qualifiers
from plans.services.departments import department_by_name
from plans.services.loading import DEFAULT_FILE, PlanFileError, plan_file_counts, plan_load, read_plan_file

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


def test_every_department_of_the_tables_is_there_once(loaded):
    names = set(Department.objects.values_list("name", flat=True))
    assert names == {"教体局", "财政局", "住建局", "自然资源分局", "残联", "民族事务委员会", "发改委", "编委办",
                     "人社局", "工信和科技局", "公安分局", "卫健委", "关工委"}
    assert not ActionItem.objects.filter(departments=None).exists()


def test_the_office_written_编办_and_编委办_is_one_department(loaded):
    # The 2019–20 tables write 编办, the 2021–22 tables 编委办, the text 区委编办: one body.
    office = Department.objects.get(name="编委办")
    assert set(office.aliases.values_list("name", flat=True)) == {"编办", "区委编办"}
    teachers = ActionItem.objects.filter(programme__number=7)  # 教师队伍建设攻坚工程
    assert {y: teachers.filter(year=y, departments=office).count() for y in range(2019, 2023)} == {
        2019: 8, 2020: 10, 2021: 6, 2022: 8}
    assert department_by_name("编办") == department_by_name("区委编办") == office
    assert department_by_name("教育体育局").name == "教体局"


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
        ("myopia_new_incidence", 2022, "lte", 5, None, None),  # 控制在5%以下
        ("ppp_schools", 2022, "range", None, 5, 7),
        ("new_primary_schools", 2019, "gte", 2, None, None),  # 新开工建设小学2所: at least 2
        ("new_kindergartens", 2021, "gte", 2, None, None),  # 新建幼儿园2所
        ("new_kindergartens", 2022, "gte", 1, None, None),
        ("model_kindergartens", 2022, "gte", 32, None, None),  # 增加到32所
        ("compulsory_enrolment_rate", 2022, "gte", 100, None, None),  # the 2022 table over 超过99.9%
        ("preschool_gross_enrolment_rate", 2022, "gte", 98.5, None, None),  # the 2022 table over 98%以上
    ],
)
def test_sample_targets_match_the_document_numbers(loaded, measure, year, comparator, value, low, high):
    target = AnnualTarget.objects.get(measure=measure, year=year)
    assert target.comparator == comparator
    expected = tuple(None if n is None else pytest.approx(n) for n in (value, low, high))
    assert (target.value, target.low, target.high) == expected


def test_a_range_is_exact_and_左右_is_approximate(loaded):
    target = AnnualTarget.objects.get(measure="ppp_schools", year=2022)
    assert not target.approximate and target.display_goal() == "5–7所"
    assert target.sources.get().text == "2022年利用PPP等新模式创办学校5-7所"
    weight = AnnualTarget.objects.get(measure="self_evaluation_weight", year=2020)
    assert weight.approximate and weight.display_goal() == "≥10%左右"


def test_no_target_of_the_plan_is_an_exact_equality(loaded):
    # Nothing in the document says 「恰好」: 新建/新增/培养 N are floors.
    assert not TargetSource.objects.filter(comparator="eq").exists()


def test_targets_stated_twice_with_different_numbers_are_conflicts_with_both_sources(loaded):
    puhui = AnnualTarget.objects.get(measure="puhui_kindergarten_coverage", year=2022)
    assert puhui.conflict and not puhui.conflict_resolved
    assert sorted(float(s.value) for s in puhui.sources.all()) == [85, 86, 86]
    assert {s.section for s in puhui.sources.all()} >= {"总体目标", "2022年行动计划表"}
    enrolment = AnnualTarget.objects.get(measure="preschool_gross_enrolment_rate", year=2022)
    assert enrolment.conflict
    assert sorted(float(s.value) for s in enrolment.sources.all()) == [98, 98.5, 98.5]
    # The yearly action table counts until the bureau chooses: the most specific dated statement.
    assert float(enrolment.value) == 98.5 and enrolment.sources.get(chosen=True).section == "2022年行动计划表"
    assert float(puhui.value) == 85 and puhui.sources.get(chosen=True).section == "2022年行动计划表"


# Every target whose statements disagree, with the statement that counts until the bureau decides.
CONFLICTS = {
    ("quality_education_groups", 2021): ("2021年行动计划表", "3–5个"),  # vs 3个以上
    ("preschool_gross_enrolment_rate", 2022): ("2022年行动计划表", "≥98.5%"),  # vs 98%以上
    ("puhui_kindergarten_coverage", 2022): ("2022年行动计划表", "≥85%"),  # vs 86%
    ("kg_grade_2a_plus_share", 2022): ("2022年行动计划表", "≥70%"),  # 二级乙类 vs 二级一类
    ("compulsory_enrolment_rate", 2022): ("2022年行动计划表", "≥100%"),  # vs 超过99.9%
    ("famous_teachers", 2022): ("2022年行动计划表", "≥100名左右"),  # 近百名 vs 有影响力的 100名
    ("autonomy_reform_schools", 2020): ("2020年行动计划表", "≥2所"),  # vs 每年2—3所
}


def test_exactly_the_disagreeing_targets_are_conflicts_with_the_yearly_table_chosen(loaded):
    found = {(t.measure, t.year): t for t in AnnualTarget.objects.filter(conflict=True)}
    assert set(found) == set(CONFLICTS)
    for key, (section, goal) in CONFLICTS.items():
        target = found[key]
        assert (target.sources.get(chosen=True).section, target.display_goal()) == (section, goal), key


def test_same_number_with_different_qualifying_words_is_a_conflict(loaded):
    grade = AnnualTarget.objects.get(measure="kg_grade_2a_plus_share", year=2022)
    assert {float(s.value) for s in grade.sources.all()} == {70}
    assert grade.conflict
    assert {"二级一类", "二级乙类"} <= {word for s in grade.sources.all() for _, word in qualifiers(s.text)}


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


@pytest.mark.parametrize(
    "index, change, place, words",
    [
        # 「新建幼儿园2所」 is at least 2: a file that says = is refused, naming the target and its source.
        (60, {"comparator": "eq"}, "targets[60].comparator",
         ["new_kindergartens 2021", "2021年行动计划表", "表示 ≥,文件写的是 ="]),
        (93, {"comparator": "lt"}, "targets[93].comparator",
         ["myopia_new_incidence 2022", "控制在5%以下", "表示 ≤,文件写的是 <"]),
        (19, {"comparator": "gte"}, "targets[19].comparator", ["超过99.9%", "表示 >,文件写的是 ≥"]),
        (86, {"approximate": True}, "targets[86].approximate", ["ppp_schools 2022"]),
        (0, {"value": 96}, "targets[0].value", ["未出现", "2020年,学前三年教育毛入园率达到95%以上"]),
        (88, {"number_text": "千"}, "targets[88].number_text", ["培养名教师近百名"]),
    ],
)
def test_a_comparator_the_sentence_does_not_say_is_refused_with_target_and_source(dongsheng, index, change, place,
                                                                                  words):
    broken = _broken(dongsheng, lambda d: d["targets"][index].update(change))
    with pytest.raises(PlanFileError) as exc:
        plan_load(data=broken)
    problem = next((p for p in exc.value.problems if p.startswith(place)), None)
    assert problem and all(w in problem for w in words), exc.value.problems
    assert _counts() == [0, 0, 0, 0, 0, 0]


def test_an_alias_may_not_be_another_departments_name(dongsheng):
    def alias_finance(d):
        d["departments"][7]["aliases"].append("财政局")

    with pytest.raises(PlanFileError, match=r"departments\[7\]\.aliases\[2\].*财政局"):
        plan_load(data=_broken(dongsheng, alias_finance))


def test_a_database_loaded_before_aliases_is_merged_into_one_department(dongsheng, loaded):
    # given a database from before the alias registry: 编办 was its own department, with an account
    from edugov.models import Role
    from plans.models import DepartmentAlias
    from tests.factories import user_with_role

    office = Department.objects.get(name="编委办")
    DepartmentAlias.objects.filter(name="编办").delete()
    old = Department.objects.create(name="编办")
    items = list(ActionItem.objects.filter(year__lte=2020, departments=office))
    for item in items:
        item.departments.remove(office)
        item.departments.add(old)
    staff = user_with_role("bianban", Role.DEPARTMENT_STAFF, department=old)
    # when the file is loaded again
    plan_load(data=dongsheng)
    # then one department holds the items and the account, and 编办 is its alias
    assert not Department.objects.filter(name="编办").exists()
    assert all(office in item.departments.all() for item in items) and len(items) == 18
    staff.profile.refresh_from_db()
    assert staff.profile.department == office
    assert DepartmentAlias.objects.get(name="编办").department == office


def test_a_reload_keeps_the_bureaus_choice_and_corrects_an_old_reading(dongsheng, loaded, cast):
    from plans.services.targets import target_resolve_conflict

    puhui = AnnualTarget.objects.get(measure="puhui_kindergarten_coverage", year=2022)
    target_resolve_conflict(target=puhui, source=puhui.sources.get(section="总体目标"), by=cast.admin)
    # an older load read 「新建幼儿园2所」 as = 2 and chose the first statement everywhere
    AnnualTarget.objects.filter(measure="new_kindergartens").update(comparator="eq")
    enrolment = AnnualTarget.objects.get(measure="preschool_gross_enrolment_rate", year=2022)
    enrolment.sources.update(chosen=False)
    enrolment.sources.filter(position=1).update(chosen=True)
    AnnualTarget.objects.filter(pk=enrolment.pk).update(value=98)
    plan_load(data=dongsheng)
    puhui.refresh_from_db()
    enrolment.refresh_from_db()
    assert (float(puhui.value), puhui.conflict_resolved, puhui.sources.get(chosen=True).section) == (
        86, True, "总体目标")
    assert float(enrolment.value) == 98.5 and enrolment.sources.get(chosen=True).section == "2022年行动计划表"
    assert set(AnnualTarget.objects.filter(measure="new_kindergartens").values_list("comparator", flat=True)) == {
        "gte"}
    assert TargetSource.objects.filter(chosen=True).count() == AnnualTarget.objects.count()


def test_the_readme_states_the_plan_files_true_counts(dongsheng):
    # The "Data" section of the README says what the file holds; counted here as the loader reads it.
    counts = plan_file_counts(dongsheng)
    readme = " ".join((Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8").split())
    sentence = re.search(r"`plans/data/dongsheng_2019_2022\.json` — (.*?) `manage\.py load_plan", readme).group(1)
    stated = {
        "programmes": r"(\d+) programmes", "action_items": r"(\d+) action items", "departments": r"(\d+) departments",
        "aliases": r"(\d+) aliases", "targets": r"(\d+) annual targets", "sources": r"(\d+) source sentences",
    }
    assert {k: int(re.search(p, sentence).group(1)) for k, p in stated.items()} == {
        k: counts[k] for k in stated}
    assert int(re.search(r"(\d+) conflicts", sentence).group(1)) == len(counts["conflicts"]) == len(CONFLICTS)
    assert set(counts["conflicts"]) == set(CONFLICTS)


def test_demo_accounts_give_each_department_one_account(loaded):
    import io

    from edugov.models import Profile, Role

    call_command("demo_accounts", "--allow-production-demo", stdout=io.StringIO())  # tests run with DEBUG off
    staff = Profile.objects.filter(role=Role.DEPARTMENT_STAFF).select_related("user", "department")
    assert sorted(p.department.name for p in staff) == sorted(Department.objects.values_list("name", flat=True))
    assert staff.get(user__username="bianweiban").department.name == "编委办"
    assert not staff.filter(user__username__startswith="dept").exists()  # every department has its pinyin name
