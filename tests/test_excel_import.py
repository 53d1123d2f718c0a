"""Excel template → fill → parse → import, and every kind of bad file, at the service level."""
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from openpyxl.packaging.custom import StringProperty
from openpyxl.utils import get_column_letter

from indicators import excel
from indicators.models import ReportingPeriod, Submission, SubmissionStatus, SubmissionValue, ValueChange
from indicators.services.definitions import DEFAULT_FILE, definitions_load, definitions_read
from indicators.services.imports import ImportRefused, excel_parse, excel_template_build, submissions_import
from tests.factories import SchoolFactory

GOOD = {"school_open": "是", "enrolled_start": 820, "teachers": 60, "teachers_bachelor": 50, "teachers_certified": 58,
        "public_funds": 900000, "training_funds": 45000.5}


@pytest.fixture
def period(cast):
    definitions_load(data=definitions_read(DEFAULT_FILE))
    from indicators.models import DataSet

    return ReportingPeriod.objects.create(dataset=DataSet.objects.get(code="school_yearly"), year=2022,
                                          opens_on="2022-09-01", deadline="2022-10-31")


def workbook(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def save(wb) -> io.BytesIO:
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def fill(data: bytes, figures: dict[str, dict]) -> io.BytesIO:
    """Put ``figures`` ({school code: {element code: value}}) into a downloaded template."""
    wb = workbook(data)
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=3):
        for code, value in figures.get(row[0].value, {}).items():
            row[header.index(code)].value = value
    return save(wb)


def stored(school, period):
    return dict(SubmissionValue.objects.filter(submission__school=school, submission__period=period)
                .values_list("element__code", "value"))


def test_template_has_codes_labels_and_only_the_reporters_school(cast, period):
    wb = workbook(excel_template_build(period=period, by=cast.reporter_a))
    ws = wb.worksheets[0]
    assert ws.title == "school_yearly"
    assert [c.value for c in ws[1]][:4] == ["school_code", "school_name", "school_open", "enrolled_start"]
    assert ws["D2"].value == "学年初在校生数(人)"
    assert [r[0] for r in ws.iter_rows(min_row=3, values_only=True)] == [cast.school_a.code]


def test_template_for_bureau_lists_every_school_of_the_data_set(cast, period):
    SchoolFactory(school_type="kindergarten")
    ws = workbook(excel_template_build(period=period, by=cast.admin)).worksheets[0]
    assert sorted(r[0] for r in ws.iter_rows(min_row=3, values_only=True)) == sorted(
        [cast.school_a.code, cast.school_b.code])


def test_round_trip_saves_values_as_draft_with_excel_audit_rows(cast, period):
    # given a filled template
    upload = fill(excel_template_build(period=period, by=cast.reporter_a), {cast.school_a.code: GOOD})
    # when it is parsed and imported
    preview = excel_parse(upload, period=period, by=cast.reporter_a)
    assert preview.ok, [str(p) for p in preview.problems]
    result = submissions_import(period=period, rows=preview.rows, by=cast.reporter_a)
    # then
    values = stored(cast.school_a, period)
    assert values["enrolled_start"] == 820 and values["school_open"] == 1
    assert values["training_funds"] == Decimal("45000.5")
    assert result.values_created == len(GOOD)
    submission = Submission.objects.get(period=period, school=cast.school_a)
    assert submission.status == SubmissionStatus.DRAFT
    changes = ValueChange.objects.filter(submission=submission)
    assert changes.count() == len(GOOD) and set(changes.values_list("source", flat=True)) == {"excel"}
    assert set(changes.values_list("by", flat=True)) == {cast.reporter_a.id}


def test_second_import_of_same_file_changes_nothing_and_an_edit_is_audited(cast, period):
    template = excel_template_build(period=period, by=cast.reporter_a)
    first = excel_parse(fill(template, {cast.school_a.code: GOOD}), period=period, by=cast.reporter_a)
    submissions_import(period=period, rows=first.rows, by=cast.reporter_a)
    again = excel_parse(fill(template, {cast.school_a.code: GOOD}), period=period, by=cast.reporter_a)
    assert again.rows == [] and again.unchanged == 1
    edited = excel_parse(fill(template, {cast.school_a.code: {**GOOD, "teachers": 61}}), period=period,
                         by=cast.reporter_a)
    submissions_import(period=period, rows=edited.rows, by=cast.reporter_a)
    change = ValueChange.objects.get(element__code="teachers", old_value=60)
    assert change.new_value == 61
    assert SubmissionValue.objects.filter(submission__school=cast.school_a).count() == len(GOOD)


def problems_of(upload, period, user):
    preview = excel_parse(upload, period=period, by=user)
    assert not preview.ok and preview.rows == [] or preview.problems
    return preview.problems


def assert_refused_with(problems, *, row=None, column=None, text=""):
    assert problems, "expected a problem"
    match = [p for p in problems if text in p.message and (row is None or p.row == row)
             and (column is None or p.column == column)]
    assert match, [str(p) for p in problems]
    assert SubmissionValue.objects.count() == 0


@pytest.mark.parametrize(
    ("figures", "column_of", "text"),
    [
        ({"teachers": "六十"}, "teachers", "不是数字"),
        ({"teachers": 60.5}, "teachers", "应为整数"),
        ({"teachers": -1}, "teachers", "不能小于0"),
        ({"teachers": 5000}, "teachers", "不能大于1000"),
        ({"school_open": "也许"}, "school_open", "是/否"),
        ({"teachers": 10, "teachers_bachelor": 11}, "teachers_bachelor", "不能大于专任教师数"),
        ({"public_funds": 100, "training_funds": 200}, "training_funds", "教师培训经费不能大于公用经费"),
        ({"teachers": "=10*6"}, "teachers", "不能使用公式"),
        ({"public_funds": "1E+27"}, "public_funds", "超出可填报的数值范围"),
        ({"public_funds": 1e27}, "public_funds", "超出可填报的数值范围"),
        ({"teachers": 1e30}, "teachers", "超出可填报的数值范围"),
    ],
)
def test_bad_cell_is_refused_with_row_and_column(cast, period, figures, column_of, text):
    template = excel_template_build(period=period, by=cast.reporter_a)
    header = [c.value for c in workbook(template).worksheets[0][1]]
    problems = problems_of(fill(template, {cast.school_a.code: figures}), period, cast.reporter_a)
    assert_refused_with(problems, row=3, column=get_column_letter(header.index(column_of) + 1), text=text)
    assert all(p.sheet == "school_yearly" for p in problems)


def test_element_not_for_this_school_type_is_refused(cast, period):
    SchoolFactory(code="DSH001", school_type="senior")
    wb = workbook(excel_template_build(period=period, by=cast.admin))
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=3) if r[0].value == "DSH001")
    row[header.index("cohort_entry")].value = 100
    problems = problems_of(save(wb), period, cast.admin)
    assert_refused_with(problems, row=row[0].row, text="不适用于普通高中")


def test_reporter_cannot_import_another_schools_row(cast, period):
    wb = workbook(excel_template_build(period=period, by=cast.reporter_a))
    wb.worksheets[0].append([cast.school_b.code, cast.school_b.name, "是", 500])
    problems = problems_of(save(wb), period, cast.reporter_a)
    assert_refused_with(problems, row=4, column="A", text="无权导入")


def test_unknown_and_duplicate_school_codes_are_refused(cast, period):
    wb = workbook(excel_template_build(period=period, by=cast.admin))
    ws = wb.worksheets[0]
    ws.append(["NOPE", "不存在的学校", "是"])
    ws.append([cast.school_a.code, cast.school_a.name, "是"])
    problems = problems_of(save(wb), period, cast.admin)
    assert_refused_with(problems, row=5, column="A", text="未知的学校代码")
    assert_refused_with(problems, row=6, column="A", text="重复")


def test_approved_submission_cannot_be_changed_and_row_is_named(cast, period):
    Submission.objects.create(period=period, school=cast.school_a, status=SubmissionStatus.APPROVED)
    upload = fill(excel_template_build(period=period, by=cast.reporter_a), {cast.school_a.code: GOOD})
    assert_refused_with(problems_of(upload, period, cast.reporter_a), row=3, text="已审核通过")


def test_import_refuses_all_rows_when_one_submission_was_approved_meanwhile(cast, period):
    template = excel_template_build(period=period, by=cast.admin)
    preview = excel_parse(fill(template, {cast.school_a.code: GOOD, cast.school_b.code: GOOD}), period=period,
                          by=cast.admin)
    assert preview.ok and len(preview.rows) == 2
    Submission.objects.create(period=period, school=cast.school_b, status=SubmissionStatus.APPROVED)
    with pytest.raises(ImportRefused, match="第4行"):
        submissions_import(period=period, rows=preview.rows, by=cast.admin)
    assert SubmissionValue.objects.count() == 0 and ValueChange.objects.count() == 0
    assert not Submission.objects.filter(school=cast.school_a).exists()


def test_changed_header_row_is_refused(cast, period):
    wb = workbook(excel_template_build(period=period, by=cast.reporter_a))
    wb.worksheets[0]["D1"] = "teachers"
    assert_refused_with(problems_of(save(wb), period, cast.reporter_a), row=1, text="第1行")


def test_workbook_not_made_from_template_is_refused(cast, period):
    wb = openpyxl.Workbook()
    wb.active.title = "school_yearly"
    wb.active.append(["school_code", "school_name", "school_open"])
    assert_refused_with(problems_of(save(wb), period, cast.reporter_a), text="不是由本系统生成的模板")


def test_forged_period_property_is_refused(cast, period):
    wb = workbook(excel_template_build(period=period, by=cast.reporter_a))
    prop = next(p for p in wb.custom_doc_props.props if p.name == "edugov_period")
    prop.value = str(period.id + 1)
    assert_refused_with(problems_of(save(wb), period, cast.reporter_a), text="已被修改")


def test_template_of_another_period_is_refused(cast, period):
    other = ReportingPeriod.objects.create(dataset=period.dataset, year=2023, opens_on="2023-09-01",
                                           deadline="2023-10-31")
    upload = fill(excel_template_build(period=other, by=cast.reporter_a), {cast.school_a.code: GOOD})
    assert_refused_with(problems_of(upload, period, cast.reporter_a), text="另一个报表或填报周期")


def test_hidden_sheet_is_refused(cast, period):
    wb = workbook(excel_template_build(period=period, by=cast.reporter_a))
    wb.create_sheet("_meta").sheet_state = "hidden"
    assert_refused_with(problems_of(save(wb), period, cast.reporter_a), text="隐藏的工作表「_meta」")


def test_extra_visible_sheet_is_refused(cast, period):
    wb = workbook(excel_template_build(period=period, by=cast.reporter_a))
    wb.create_sheet("说明")
    assert_refused_with(problems_of(save(wb), period, cast.reporter_a), text="只有一个工作表")


def test_too_many_rows_is_refused_before_reading_cells(cast, period, monkeypatch):
    monkeypatch.setattr(excel, "MAX_SCHOOL_ROWS", 3)
    wb = workbook(excel_template_build(period=period, by=cast.admin))
    for n in range(5):
        wb.worksheets[0].append([f"X{n}", "学校"])
    assert_refused_with(problems_of(save(wb), period, cast.admin), text="数据行过多")


def test_text_file_renamed_xlsx_is_refused(cast, period):
    upload = io.BytesIO("学校代码,教师数\nS0001,60\n".encode())
    assert_refused_with(problems_of(upload, period, cast.reporter_a), text="不是有效的 Excel")


def test_zip_that_is_not_a_workbook_is_refused(cast, period):
    upload = io.BytesIO()
    with zipfile.ZipFile(upload, "w") as archive:
        archive.writestr("hello.txt", "hi")
    upload.seek(0)
    assert_refused_with(problems_of(upload, period, cast.reporter_a), text="无法读取 Excel 文件")


def test_file_too_large_is_refused(cast, period, settings):
    settings.EXCEL_MAX_BYTES = 1000
    upload = io.BytesIO(excel_template_build(period=period, by=cast.reporter_a))
    assert_refused_with(problems_of(upload, period, cast.reporter_a), text="文件过大")


def test_signature_survives_custom_property_list_order(cast, period):
    # Excel may rewrite the properties; only their values matter.
    wb = workbook(excel_template_build(period=period, by=cast.reporter_a))
    props = list(wb.custom_doc_props.props)
    wb.custom_doc_props.props = []
    for prop in reversed(props):
        wb.custom_doc_props.append(StringProperty(name=prop.name, value=prop.value))
    preview = excel_parse(save(wb), period=period, by=cast.reporter_a)
    assert preview.ok and preview.rows == []


def test_unchanged_rows_of_approved_schools_pass_so_a_bureau_template_can_be_reused(cast, period):
    # given school_a's figures are approved and pre-filled in the bureau's template
    template = excel_template_build(period=period, by=cast.admin)
    first = excel_parse(fill(template, {cast.school_a.code: GOOD}), period=period, by=cast.admin)
    submissions_import(period=period, rows=first.rows, by=cast.admin)
    Submission.objects.filter(school=cast.school_a).update(status=SubmissionStatus.APPROVED)
    refreshed = excel_template_build(period=period, by=cast.admin)
    # when only school_b is filled in
    preview = excel_parse(fill(refreshed, {cast.school_b.code: {"teachers": 30}}), period=period, by=cast.admin)
    # then school_a's row is skipped, not refused
    assert preview.ok and [r.school for r in preview.rows] == [cast.school_b] and preview.unchanged == 1
