"""Numbers typed by people: thousands separators only where they belong, full-width digits read on purpose,
everything else refused with a message that names the field (form) or the cell (Excel)."""
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from indicators.models import DataElement, DataSet, ReportingPeriod, SubmissionValue, ValueType
from indicators.services.definitions import DEFAULT_FILE, definitions_load, definitions_read
from indicators.services.imports import excel_parse, excel_template_build
from indicators.services.submissions import submission_open, submission_save_values
from indicators.validation import parse_value
from tests.collection_fixtures import kindergarten_form

DECIMAL = DataElement(code="x", name_zh="数值", name_en="x", value_type=ValueType.DECIMAL)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1,2,3", "千位分隔符"),  # Decimal("123") after stripping commas: once read as 123
        ("12,34", "千位分隔符"),
        ("1,23,456", "千位分隔符"),
        (",123", "不是数字"),
        ("1_000", "不是数字"),  # Decimal() itself accepts underscores
        ("1 000", "不是数字"),
        ("NaN", "不是数字"),
        ("Infinity", "不是数字"),
        ("٣", "不是数字"),  # an Arabic-Indic digit: Decimal() would read 3
        ("六十", "不是数字"),
        ("１２３", Decimal(123)),  # full-width digits: typed with a Chinese input method on
        ("１，２３４．５", Decimal("1234.5")),  # full-width comma and point too
        ("　１２３　", Decimal(123)),  # ideographic spaces around it
        (" 1,234 ", Decimal(1234)),
        ("1,234", Decimal(1234)),
        ("1,234,567.5", Decimal("1234567.5")),
        ("1234567.5", Decimal("1234567.5")),
        ("-12.5", Decimal("-12.5")),
        ("0.5", Decimal("0.5")),
        (60, Decimal(60)),  # a number cell from Excel is already a number
        (45000.5, Decimal("45000.5")),
    ],
)
def test_parse_value_table(raw, expected):
    if isinstance(expected, Decimal):
        assert parse_value(DECIMAL, raw) == expected
    else:
        with pytest.raises(ValueError, match=expected) as refused:
            parse_value(DECIMAL, raw)
        assert f"「{raw}」" in str(refused.value)


def test_form_message_names_the_field(cast):
    period = kindergarten_form()
    submission = submission_open(period=period, school=cast.school_a, by=cast.reporter_a)
    with pytest.raises(ValidationError) as refused:
        submission_save_values(submission=submission, by=cast.reporter_a, values={"kids": "1,2,3"},
                               expected_version=submission.version)
    [message] = refused.value.message_dict["kids"]
    assert message.startswith("在园幼儿数:「1,2,3」不是数字")
    assert not SubmissionValue.objects.exists()


def test_excel_message_names_the_cell(cast):
    definitions_load(data=definitions_read(DEFAULT_FILE))
    period = ReportingPeriod.objects.create(dataset=DataSet.objects.get(code="school_yearly"), year=2022,
                                            opens_on="2022-09-01", deadline="2022-10-31")
    wb = openpyxl.load_workbook(io.BytesIO(excel_template_build(period=period, by=cast.reporter_a)))
    ws = wb.worksheets[0]
    column = [c.value for c in ws[1]].index("teachers")
    ws.cell(row=3, column=column + 1, value="1_000")
    out = io.BytesIO()
    wb.save(out)
    [problem] = excel_parse(io.BytesIO(out.getvalue()), period=period, by=cast.reporter_a).problems
    letter = openpyxl.utils.get_column_letter(column + 1)
    assert (problem.row, problem.column, problem.header) == (3, letter, "专任教师数")
    assert "「1_000」不是数字" in str(problem) and "第3行" in str(problem)
