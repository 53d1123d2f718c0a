"""The plan-text parser (plans.textimport): each pattern on a small text, the Dongsheng measurement as a
regression threshold, the prose-only documents, .docx reading and the plan-file JSON Schema."""
import io
import json
from pathlib import Path

import docx
import pytest

from plans.management.commands.plan_import_measure import DONGSHENG, PROSE, TEXTS, measure_dongsheng
from plans.services.loading import DEFAULT_FILE, PlanFileError, validate_plan_data
from plans.services.plan_schema import schema_problems
from plans.textimport import document_lines, propose_from_text
from plans.textimport.proposal import to_plan_file
from plans.textimport.targets import measure_name, quantities

PLAN = """中共某区委员会办公室 某区人民政府办公室关于印发《某区教育发展实施方案(2020—2022年)》的通知
某党办发〔2020〕7号
2020年3月1日
一、总体目标
2021年,学前三年教育毛入园率达到95%以上,普惠性幼儿园覆盖率达到80%;义务教育巩固率保持100%。
二、重点任务
(一)实施学前教育提升工程
1.目标任务
2020年新增3所公办幼儿园,公办园占比达到50%左右。
2.实施策略
在区内选拔3—5所试点园。
(二)实施教师队伍建设工程
1.目标任务
2020年、2022年专任教师本科学历比例分别达到80%和86%。
三、保障措施
(一)加强领导。加强党的领导。
附件
一、某区2021年行动计划表
工作项目
重点工作内容与目标
责任
部门
(一)
实施学前教育提升 工程
1.新建幼儿园2所。
教体局、财政局
2.近视新增发病率控制在5%以下
(二)实施教师队伍建设工程
1.培养名教师近百名。
编办、人社局
"""


@pytest.fixture(scope="module")
def small():
    return propose_from_text(PLAN)


def test_header_title_number_issuers_date_years(small):
    plan = small["plan"]
    assert plan["title"] == "某区教育发展实施方案(2020—2022年)"
    assert plan["doc_number"] == "某党办发〔2020〕7号"
    assert plan["issuers"] == ["中共某区委员会办公室", "某区人民政府办公室"]
    assert plan["issued_on"] == "2020-03-01"
    assert (plan["start_year"], plan["end_year"]) == (2020, 2022)


def test_programmes_from_headings_under_key_tasks(small):
    assert [(p["number"], p["name"]) for p in small["programmes"]] == [
        (1, "实施学前教育提升工程"), (2, "实施教师队伍建设工程")]
    assert small["programmes"][0]["goal"].startswith("2020年新增3所")
    assert small["programmes"][0]["strategy"] == "在区内选拔3—5所试点园。"


def test_overall_goal_is_the_text_under_its_heading(small):
    assert small["plan"]["overall_goal"].startswith("2021年,学前三年")


def test_yearly_table_rows_matched_to_programmes_with_departments(small):
    items = [(i["year"], i["programme"], i["order"], i["text"], i["departments"]) for i in small["action_items"]]
    assert items == [
        (2021, 1, 1, "新建幼儿园2所。", ["教体局", "财政局"]),
        (2021, 1, 2, "近视新增发病率控制在5%以下", ["教体局", "财政局"]),
        (2021, 2, 1, "培养名教师近百名。", ["编办", "人社局"]),
    ]


def _targets(proposal, section=None):
    return {(t["year"], t["comparator"], t["value"], t["low"], t["high"], t["unit"], t["approximate"])
            for t in proposal["targets"] if section is None or t["section"] == section}


def test_overall_goal_targets_take_the_paragraph_year(small):
    assert _targets(small, "总体目标") == {
        (2021, "gte", 95, None, None, "%", False), (2021, "gte", 80, None, None, "%", False),
        (2021, "gte", 100, None, None, "%", False)}


def test_programme_targets_year_approximate_range_and_respectively(small):
    assert _targets(small, "实施学前教育提升工程") == {
        (2020, "gte", 3, None, None, "所", False), (2020, "gte", 50, None, None, "%", True),
        (2020, "range", None, 3, 5, "所", False)}  # undated: the plan's first year
    assert _targets(small, "实施教师队伍建设工程") == {
        (2020, "gte", 80, None, None, "%", False), (2022, "gte", 86, None, None, "%", False)}


def test_table_targets_take_the_table_year_and_read_words(small):
    assert _targets(small, "2021年行动计划表") == {
        (2021, "gte", 2, None, None, "所", False), (2021, "lte", 5, None, None, "%", False),
        (2021, "gte", 100, None, None, "名", True)}


@pytest.mark.parametrize("clause, number, name", [
    ("普惠性幼儿园覆盖率保持在80%以上", "80", "普惠性幼儿园覆盖率"),
    ("2020年新增3所公办幼儿园", "3", "新增公办幼儿园"),
    ("新建小学2所、初中1所", "1", "初中"),
    ("70%的幼儿园达到二级一类及以上等级水平", "70", "幼儿园达到二级一类及以上等级水平"),
])
def test_measure_name(clause, number, name):
    assert measure_name(clause, number) == name


def test_numbers_in_titles_quotes_ordinals_and_years_are_not_targets():
    sentence = "落实《3-6岁儿童学习与发展指南》和“2+1项目”,第3所学校于2020年建成"
    assert quantities(sentence) == []


def test_proposal_of_dongsheng_is_a_valid_plan_file():
    proposal = propose_from_text((TEXTS / DONGSHENG).read_text(encoding="utf-8"))
    validate_plan_data(to_plan_file(proposal))


def test_dongsheng_measurement_meets_the_goals():
    figures = measure_dongsheng()
    assert figures["programmes"]["recall"] == 1.0
    assert figures["action_items"]["recall"] >= 0.95, figures
    assert figures["targets"]["recall"] >= 0.90, figures


@pytest.mark.parametrize("name", PROSE)
def test_prose_documents_give_programmes_and_do_not_crash(name):
    proposal = propose_from_text((TEXTS / name).read_text(encoding="utf-8"))
    assert len(proposal["programmes"]) >= 3
    assert proposal["action_items"] == []
    assert all(t["source_text"] for t in proposal["targets"])


def test_prose_document_with_numbers_proposes_undated_targets():
    proposal = propose_from_text((TEXTS / PROSE[1]).read_text(encoding="utf-8"))
    assert {(t["value"], t["unit"]) for t in proposal["targets"]} == {(27, "所"), (5, "个")}


def _docx_bytes(paragraphs, table_rows=()) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table_rows:
        table = document.add_table(rows=len(table_rows), cols=len(table_rows[0]))
        for r, row in enumerate(table_rows):
            for c, text in enumerate(row):
                cell = table.cell(r, c)
                cell.text = ""
                for k, line in enumerate(text.split("\n")):
                    (cell.paragraphs[0] if k == 0 else cell.add_paragraph()).text = line
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_tables_are_read_row_by_row():
    content = _docx_bytes(
        ["二、重点任务", "(一)实施学前教育提升工程", "一、某区2021年行动计划表"],
        [("工作项目", "重点工作内容与目标", "责任部门"),
         ("(一)\n实施学前教育提升工程", "1.新建幼儿园2所。\n2.完善办园管理。", "教体局、财政局")])
    lines = document_lines(name="plan.docx", content=content)
    proposal = propose_from_text("\n".join(lines))
    assert [(i["order"], i["text"], i["departments"]) for i in proposal["action_items"]] == [
        (1, "新建幼儿园2所。", ["教体局", "财政局"]), (2, "完善办园管理。", ["教体局", "财政局"])]


def test_gb18030_text_is_read():
    assert document_lines(name="a.txt", content="一、总体目标".encode("gb18030")) == ["一、总体目标"]


def test_shipped_plan_file_matches_the_schema():
    assert schema_problems(json.loads(Path(DEFAULT_FILE).read_text(encoding="utf-8"))) == []


def test_schema_errors_are_positioned_like_the_loader():
    data = json.loads(Path(DEFAULT_FILE).read_text(encoding="utf-8"))
    data["targets"][3]["colour"] = "red"
    with pytest.raises(PlanFileError) as exc:
        validate_plan_data(data)
    assert any(p.startswith("targets[3]: 未知字段") for p in exc.value.problems), exc.value.problems
