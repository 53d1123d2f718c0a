"""Every xlsx we hand out writes text as text: a string starting with = + - @, a tab or a carriage return
comes back as a string cell with the same value (and Excel's quote prefix), never as a formula."""
import io

import openpyxl
import pytest

from edugov.xlsx import FORMULA_STARTS, text_safe
from indicators.models import DataElement, DataSet, IndicatorValue, ReportingPeriod, TargetGapNote
from indicators.services.definitions import DEFAULT_FILE, definitions_load, definitions_read
from indicators.services.imports import excel_parse, excel_template_build
from plans.models import ActionItem, AnnualTarget, Programme
from reports.exports.workbook import build_workbook
from tests import reports_fixtures

LINK = '=HYPERLINK("http://x","y")'
HOSTILE = [LINK, "=2所", "+1所", "-3个百分点", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]


def cells(book):
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def assert_text(book, value):
    found = [cell for cell in cells(book) if cell.value == value]
    assert found, f"{value!r} not written"
    for cell in found:
        assert cell.data_type == "s" and cell.quotePrefix, (cell.coordinate, cell.data_type)


def assert_no_formulas(book):
    assert [c.coordinate for c in cells(book) if c.data_type == "f"] == []


@pytest.mark.parametrize("value", HOSTILE)
def test_helper_writes_each_risky_start_as_text(value):
    book = openpyxl.Workbook()
    book.active.append(text_safe(book.active, [value, "普通文字", 12]))
    out = io.BytesIO()
    book.save(out)
    reloaded = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    assert_text(reloaded, value)
    assert [c.value for c in reloaded.active[1]] == [value, "普通文字", 12]
    assert reloaded.active["B1"].quotePrefix is False  # ordinary text is left alone


def test_every_risky_start_is_covered():
    assert set(FORMULA_STARTS) == {"=", "+", "-", "@", "\t", "\r"}


def test_template_writes_a_hostile_school_name_and_label_as_text(cast):
    definitions_load(data=definitions_read(DEFAULT_FILE))
    period = ReportingPeriod.objects.create(dataset=DataSet.objects.get(code="school_yearly"), year=2022,
                                            opens_on="2022-09-01", deadline="2022-10-31")
    cast.school_a.name = LINK
    cast.school_a.save()
    DataElement.objects.filter(code="teachers").update(name_zh="=2所")
    data = excel_template_build(period=period, by=cast.admin)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert_text(book, LINK)
    assert_text(book, "=2所(人)")
    assert_no_formulas(book)
    # and the template still goes back in: the name column is not a figure
    assert excel_parse(io.BytesIO(data), period=period, by=cast.admin).ok


def test_workbook_writes_hostile_target_item_and_unit_texts_as_text(cast):
    plan, coverage, _myopia = reports_fixtures.build(cast, by=cast.admin)
    AnnualTarget.objects.filter(plan=plan, measure="puhui").update(name="=2所")
    Programme.objects.filter(plan=plan).update(name=LINK)
    ActionItem.objects.filter(programme__plan=plan, year=2021).update(text="+1所")
    TargetGapNote.objects.update(text="-3个百分点")
    IndicatorValue.objects.filter(indicator=coverage, level="town").update(unit_label="@SUM(A1:A9)")
    book = openpyxl.load_workbook(io.BytesIO(build_workbook(plan=plan, year=2021)))
    for value in ["=2所", LINK, "+1所", "-3个百分点", "@SUM(A1:A9)"]:
        assert_text(book, value)
    assert_no_formulas(book)
