"""The Excel template people fill in: its name, drop-downs and validation, protection, the 「填报说明」 sheet,
last year's approved figures beside this year's, and an upload page that takes the period from the file."""
import datetime
import io
import re
from decimal import Decimal
from urllib.parse import quote

import openpyxl
import pytest
from django.urls import reverse

from indicators import excel
from indicators.models import (
    DataElement,
    DataSet,
    ReportingPeriod,
    Submission,
    SubmissionStatus,
    SubmissionValue,
)
from indicators.services.definitions import DEFAULT_FILE, definitions_load, definitions_read
from indicators.services.imports import excel_parse, excel_template_build


@pytest.fixture
def period(cast):
    definitions_load(data=definitions_read(DEFAULT_FILE))
    return ReportingPeriod.objects.create(dataset=DataSet.objects.get(code="school_yearly"), year=2022,
                                          opens_on=datetime.date(2022, 9, 1), deadline=datetime.date(2022, 10, 31))


def workbook(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def column_of(ws, code: str) -> str:
    header = [c.value for c in ws[1]]
    return excel.column_letter(header.index(code))


def save(wb, name="filled.xlsx") -> io.BytesIO:
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = name
    return out


def test_reporter_gets_a_chinese_file_name_with_rfc5987_header(client, cast, period):
    client.force_login(cast.reporter_a)
    response = client.get(reverse("indicators:excel_template", args=[period.id]))
    disposition = response["Content-Disposition"]
    expected = quote("2022年中小学基本情况年报_东胜区第一小学.xlsx", safe="")
    assert f"filename*=UTF-8''{expected}" in disposition
    assert 'filename="school_yearly-2022.xlsx"' in disposition  # the ASCII fallback


def test_bureau_file_is_named_after_the_district(client, cast, period):
    client.force_login(cast.admin)
    disposition = client.get(reverse("indicators:excel_template", args=[period.id]))["Content-Disposition"]
    assert quote("2022年中小学基本情况年报_东胜区.xlsx", safe="") in disposition


def test_yes_no_items_have_a_drop_down_and_numbers_are_validated_within_their_bounds(cast, period):
    ws = workbook(excel_template_build(period=period, by=cast.admin)).worksheets[0]
    last = ws.max_row

    def rule_of(code):
        column = column_of(ws, code)
        [rule] = [r for r in ws.data_validations.dataValidation if f"{column}3:{column}{last}" in str(r.sqref).split()]
        return rule

    yes_no = rule_of("school_open")
    assert yes_no.type == "list" and yes_no.formula1 == '"是,否"' and yes_no.showErrorMessage
    enrolled = DataElement.objects.get(code="enrolled_start")
    number = rule_of("enrolled_start")
    assert number.type == "whole" and number.operator == "between"
    assert Decimal(number.formula1) == enrolled.min_value and Decimal(number.formula2) == enrolled.max_value
    assert "整数" in number.error and "范围" in number.error
    assert rule_of("training_funds").type == "decimal"
    # one rule per distinct check: every 是/否 column shares the drop-down
    booleans = [e.code for e in DataElement.objects.filter(value_type="boolean", datasets=period.dataset)]
    assert len({id(rule_of(code)) for code in booleans}) == 1
    validated = {re.match(r"[A-Z]+", part).group() for r in ws.data_validations.dataValidation
                 for part in str(r.sqref).split()}
    assert column_of(ws, "teachers") in validated and column_of(ws, "prev.teachers") not in validated


def test_code_row_is_hidden_and_only_input_cells_are_unlocked(cast, period):
    ws = workbook(excel_template_build(period=period, by=cast.reporter_a)).worksheets[0]
    assert ws.row_dimensions[1].hidden is True
    assert ws.protection.sheet is True
    teachers = column_of(ws, "teachers")
    assert ws[f"{teachers}3"].protection.locked is False
    assert ws["A3"].protection.locked is True and ws["B3"].protection.locked is True
    assert ws[f"{teachers}2"].protection.locked is True
    assert ws[f"{column_of(ws, 'prev.teachers')}3"].protection.locked is True


def test_guide_sheet_gives_every_items_kou_jing(cast, period):
    wb = workbook(excel_template_build(period=period, by=cast.reporter_a))
    assert wb.sheetnames == ["school_yearly", "填报说明"]
    guide = wb["填报说明"]
    text = "\n".join(str(v) for row in guide.iter_rows(values_only=True) for v in row if v is not None)
    elements = [i.element for i in period.dataset.items.select_related("element")]
    for element in elements:
        assert element.name_zh in text
        if element.help_text:
            assert element.help_text in text
    assert "2022年10月31日" in text and guide.protection.sheet is True


def test_last_years_approved_figures_sit_beside_this_years(cast, period):
    # given 2021 approved figures for school_a and a draft for school_b
    last = ReportingPeriod.objects.create(dataset=period.dataset, year=2021, opens_on=datetime.date(2021, 9, 1),
                                          deadline=datetime.date(2021, 10, 31), closed=True)
    teachers = DataElement.objects.get(code="teachers")
    approved = Submission.objects.create(period=last, school=cast.school_a, status=SubmissionStatus.APPROVED)
    draft = Submission.objects.create(period=last, school=cast.school_b, status=SubmissionStatus.DRAFT)
    SubmissionValue.objects.create(submission=approved, element=teachers, value=57)
    SubmissionValue.objects.create(submission=draft, element=teachers, value=99)
    # when the bureau downloads the template
    ws = workbook(excel_template_build(period=period, by=cast.admin)).worksheets[0]
    prev = column_of(ws, "prev.teachers")
    rows = {r[0].value: r[0].row for r in ws.iter_rows(min_row=3)}
    # then the approved figure is shown, the unapproved one is not
    assert ws[f"{prev}{rows[cast.school_a.code]}"].value == 57
    assert ws[f"{prev}{rows[cast.school_b.code]}"].value is None
    assert "2021年已审核数" in ws[f"{prev}2"].value


def test_school_guide_lists_last_years_figure(cast, period):
    last = ReportingPeriod.objects.create(dataset=period.dataset, year=2021, opens_on=datetime.date(2021, 9, 1),
                                          deadline=datetime.date(2021, 10, 31), closed=True)
    approved = Submission.objects.create(period=last, school=cast.school_a, status=SubmissionStatus.APPROVED)
    SubmissionValue.objects.create(submission=approved, element=DataElement.objects.get(code="teachers"), value=57)
    guide = workbook(excel_template_build(period=period, by=cast.reporter_a))["填报说明"]
    row = next(r for r in guide.iter_rows(values_only=True) if r[1] == "专任教师数")
    assert row[-1] == 57


def test_filled_template_with_guide_sheet_and_previous_block_imports(cast, period):
    wb = workbook(excel_template_build(period=period, by=cast.reporter_a))
    ws = wb.worksheets[0]
    ws[f"{column_of(ws, 'teachers')}3"] = 61
    ws[f"{column_of(ws, 'prev.teachers')}3"] = 1  # read-only block: never imported
    preview = excel_parse(save(wb), by=cast.reporter_a)
    assert preview.ok and preview.period == period
    assert [list(r.values.values()) for r in preview.rows] == [[Decimal(61)]]


def test_a_formula_like_help_text_is_written_as_text(cast, period):
    DataElement.objects.filter(code="teachers").update(help_text="=HYPERLINK(\"http://x\",\"y\")")
    guide = workbook(excel_template_build(period=period, by=cast.reporter_a))["填报说明"]
    cell = next(c for row in guide.iter_rows() for c in row if str(c.value).startswith("=HYPERLINK"))
    assert cell.data_type == "s"


def test_upload_page_has_no_period_select(client, cast, period):
    client.force_login(cast.reporter_a)
    page = client.get(reverse("indicators:excel_upload")).content.decode()
    assert 'name="period"' not in page and "从模板文件中识别" in page


def test_upload_reads_the_period_from_the_file_and_confirm_opens_the_form(client, cast, period, settings,
                                                                          tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # given another open period of the same form that a select would have defaulted to
    ReportingPeriod.objects.create(dataset=period.dataset, year=2023, opens_on=datetime.date(2023, 9, 1),
                                   deadline=datetime.date(2023, 10, 31))
    client.force_login(cast.reporter_a)
    wb = workbook(client.get(reverse("indicators:excel_template", args=[period.id])).content)
    ws = wb.worksheets[0]
    ws[f"{column_of(ws, 'teachers')}3"] = 60
    # when uploaded without saying the period
    response = client.post(reverse("indicators:excel_upload"), {"file": save(wb)})
    assert response.status_code == 200 and str(period) in response.content.decode()
    response = client.post(reverse("indicators:excel_confirm"))
    # then the figures went into the file's period, and the school lands on its form to check and submit
    submission = Submission.objects.get(school=cast.school_a)
    assert submission.period == period and submission.status == SubmissionStatus.DRAFT
    assert response.status_code == 302
    assert response["Location"] == reverse("indicators:submission_form", args=[submission.pk])


def test_template_of_a_closed_period_is_refused_in_chinese(client, cast, period, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(cast.reporter_a)
    template = client.get(reverse("indicators:excel_template", args=[period.id])).content
    ReportingPeriod.objects.filter(pk=period.pk).update(closed=True)
    ReportingPeriod.objects.create(dataset=period.dataset, year=2023, opens_on=datetime.date(2023, 9, 1),
                                   deadline=datetime.date(2023, 10, 31))  # this year's, still open
    response = client.post(reverse("indicators:excel_upload"), {"file": save(workbook(template))})
    page = response.content.decode()
    assert response.status_code == 200 and "填报周期已关闭,或您无权导入" in page and "文件未能导入" in page
    assert not list((tmp_path / "imports").iterdir())
    assert client.post(reverse("indicators:excel_confirm"), follow=True).status_code == 200
    assert Submission.objects.count() == 0


def test_upload_with_no_open_period_says_so(client, cast, period, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(cast.reporter_a)
    template = client.get(reverse("indicators:excel_template", args=[period.id])).content
    ReportingPeriod.objects.filter(pk=period.pk).update(closed=True)
    response = client.post(reverse("indicators:excel_upload"), {"file": save(workbook(template))})
    assert response.status_code == 400 and "目前没有可以导入的填报周期" in response.content.decode()


def test_another_schools_template_is_refused_for_a_reporter(client, cast, period, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    kg = ReportingPeriod.objects.create(dataset=DataSet.objects.get(code="kg_yearly"), year=2022,
                                        opens_on=datetime.date(2022, 9, 1), deadline=datetime.date(2022, 10, 31))
    template = excel_template_build(period=kg, by=cast.admin)  # a kindergarten form: not school_a's
    client.force_login(cast.reporter_a)
    response = client.post(reverse("indicators:excel_upload"), {"file": save(workbook(template))})
    assert "文件未能导入" in response.content.decode() and "无权导入" in response.content.decode()


def test_a_third_sheet_is_still_refused(cast, period):
    wb = workbook(excel_template_build(period=period, by=cast.reporter_a))
    wb.create_sheet("其他")
    preview = excel_parse(save(wb), by=cast.reporter_a)
    assert not preview.ok and "只有一个工作表" in str(preview.problems[0])
