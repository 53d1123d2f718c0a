"""The workbook and the deck read back as a clerk opens them: Chinese file names from the plan's and the meeting's
own titles, number formats by the indicator's decimals, fitted widths, frozen headers, Beijing time, the counts
that were summed, status words and coverage on every row, the action items' latest progress note; the deck's
East-Asian font on every run and its chart workbooks without formulas."""
import datetime
import io
import zipfile
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE
from pptx.oxml.ns import qn
from pptx.util import Inches

from indicators.models import District, IndicatorValue
from plans.models import ActionItem, ActionItemUpdate, ItemStatus
from reports import naming
from reports.exports import deck as deck_module
from reports.exports.deck import build_deck
from reports.exports.workbook import build_workbook
from reports.models import ExportJob, MeetingSnapshot
from reports.services import export_download_name, snapshot_freeze
from tests import reports_fixtures

DONGSHENG = "加快推进东胜区教育现代化高质量发展实施方案(2019—2022年)"


@pytest.fixture
def data(cast):
    District.objects.update_or_create(code="dongsheng", defaults={"name": "东胜区"})
    plan, coverage, myopia = reports_fixtures.build(cast, by=cast.admin)
    IndicatorValue.objects.filter(indicator=coverage, level="district", year=2021).update(
        numerator=15305 * 100, denominator=18180)
    return plan


@pytest.mark.parametrize("title,short,meeting", [
    (DONGSHENG, "东胜区教育现代化实施方案", "2022年度教育现代化推进会"),
    ("测试实施方案", "测试实施方案", "2022年度测试推进会"),
])
def test_names_come_from_the_plans_title(title, short, meeting):
    assert naming.plan_short_title(title) == short
    assert naming.meeting_title(plan_title=title, place="东胜区", year=2022) == meeting


def test_export_file_names_are_the_ones_a_clerk_files(cast, data):
    data.title = DONGSHENG
    data.save()
    workbook = ExportJob(kind="xlsx", plan=data, year=2022, created_by=cast.admin)
    assert export_download_name(workbook) == "东胜区教育现代化实施方案_2022年指标.xlsx"
    snapshot = MeetingSnapshot(plan=data, year=2022, title="2022年度教育现代化推进会", payload={}, frozen_by=cast.admin)
    deck = ExportJob(kind="pptx", plan=data, year=2022, snapshot=snapshot, created_by=cast.admin)
    assert export_download_name(deck) == "2022年度教育现代化推进会.pptx"
    report = ExportJob(kind="pdf", plan=data, year=2022, created_by=cast.admin)
    assert export_download_name(report) == "东胜区教育现代化实施方案2022年度推进情况报告.pdf"
    assert naming.safe_file_name('a/b\\c:"d"') == "a-b-c--d-"


def test_freeze_form_and_live_meeting_offer_the_plans_meeting_title(client, cast, data):
    client.force_login(cast.reviewer)
    assert 'value="2021年度测试推进会"' in client.get(reverse("reports:meetings") + "?year=2021").content.decode()
    assert "2021年度测试推进会(现场数据)" in client.get(reverse("reports:meeting_live") + "?year=2021").content.decode()


def myopia_id() -> int:
    from indicators.models import Indicator

    return Indicator.objects.get(code="myopia").id


def _rows(sheet) -> list[dict]:
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)]


def test_workbook_formats_values_by_the_indicators_decimals(cast, data):
    book = load_workbook(io.BytesIO(build_workbook(plan=data, year=2021)))
    targets = book["目标与实际"]
    row = next(r for r in _rows(targets) if r["年度"].value == 2021 and r["目标"].value == "普惠性幼儿园覆盖率")
    assert row["实际"].value == 84.2 and row["实际"].number_format == '#,##0.0"%"'
    assert row["与目标相比"].value == -1.8 and "个百分点" in row["与目标相比"].number_format
    assert row["状态"].value == "接近" and row["填报覆盖"].value == "已报 2/2 所"
    # the counts that were summed, not the ×100 numerator
    assert row["分子(合计)"].value == 15305 and row["分母(合计)"].value == 18180
    assert row["分子(合计)"].number_format == "#,##0"
    assert row["数据截至(北京时间)"].value == datetime.datetime(2022, 3, 1, 9, 30)  # the fixture's local time
    for sheet in book:
        assert sheet.freeze_panes == "A2" and all(cell.font.bold for cell in sheet[1])
        widths = {letter: dim.width for letter, dim in sheet.column_dimensions.items()}
        assert len(widths) == sheet.max_column and all(6 <= w <= 50 for w in widths.values())
    assert targets.column_dimensions["B"].width >= 2 * len("普惠性幼儿园覆盖率")  # a Chinese character is two wide


def test_workbook_breakdowns_say_status_only_where_the_target_applies(cast, data):
    rows = _rows(load_workbook(io.BytesIO(build_workbook(plan=data, year=2021)))["指标分解"])
    puhui = [r for r in rows if r["指标代码"].value == "puhui" and r["年度"].value == 2021]
    # puhui's target applies to every school (scope "school"): the district and both towns are judged
    assert [(r["层级"].value, r["值"].value, r["状态"].value) for r in puhui] == [
        ("全区", 84.2, "接近"), ("镇/街道", 97.5, "达标"), ("镇/街道", 62.5, "未达标")]
    assert all(r["目标值"].value == "≥86%" for r in puhui)
    # myopia's applies to the district only: a town's row would say 「—」, never a verdict
    myopia = [r for r in rows if r["指标代码"].value == "myopia"]
    assert [(r["层级"].value, r["状态"].value) for r in myopia] == [("全区", "未达标")]
    IndicatorValue.objects.create(indicator_id=myopia_id(), year=2021, level="town", unit_key=cast.town_a.code,
                                  unit_label=cast.town_a.name, value=9, schools_expected=1, schools_reported=1,
                                  computed_at=timezone.now())
    rows = _rows(load_workbook(io.BytesIO(build_workbook(plan=data, year=2021)))["指标分解"])
    town = next(r for r in rows if r["指标代码"].value == "myopia" and r["层级"].value == "镇/街道")
    assert town["状态"].value == "—" and town["目标值"].value == "—"
    assert all(r["填报覆盖"].value.startswith("已报 ") for r in puhui)


def test_workbook_lists_every_item_with_its_latest_progress_note(cast, data):
    item = ActionItem.objects.filter(programme__plan=data).order_by("id").first()
    for day, note in [(1, "已召开部署会。"), (20, "已完成全部验收。")]:
        ActionItemUpdate.objects.create(item=item, by=cast.admin, on_date=datetime.date(2021, 5, day),
                                        old_status=ItemStatus.IN_PROGRESS, status=ItemStatus.DONE, old_progress=0,
                                        progress=100, note=note)
    ActionItem.objects.filter(pk=item.pk).update(updated_at=timezone.make_aware(datetime.datetime(2021, 5, 20, 23, 0)))
    rows = _rows(load_workbook(io.BytesIO(build_workbook(plan=data, year=2021)))["行动计划"])
    assert len(rows) == ActionItem.objects.filter(programme__plan=data).count()
    first = next(r for r in rows if r["工作内容与目标"].value == item.text)
    assert first["最近进展说明"].value == "已完成全部验收。"
    assert first["进展日期"].value == datetime.datetime(2021, 5, 20)
    assert first["最近更新"].value == datetime.datetime(2021, 5, 20, 23, 0)  # Beijing wall-clock time
    assert first["最近更新"].number_format == "yyyy-mm-dd hh:mm" and first["状态"].value == "已完成"


def _deck(cast, plan):
    snapshot = snapshot_freeze(plan=plan, year=2021, title="2021年度测试推进会", indicator_codes=["puhui"],
                               by=cast.reviewer)
    return Presentation(io.BytesIO(build_deck(snapshot)))


def test_every_deck_run_and_chart_text_names_its_east_asian_font(cast, data):
    deck = _deck(cast, data)
    runs = 0
    for slide in deck.slides:
        roots = [slide.shapes._spTree] + [s.chart._chartSpace for s in slide.shapes if s.has_chart]
        for root in roots:
            for run in root.iter(qn("a:r")):
                properties = run.find(qn("a:rPr"))
                assert properties.find(qn("a:ea")).get("typeface") == deck_module.FONT
                assert properties.find(qn("a:latin")).get("typeface") == deck_module.FONT
                runs += 1
            for default in root.iter(qn("a:defRPr")):
                assert default.find(qn("a:ea")).get("typeface") == deck_module.FONT
    assert runs > 50


def _embedded_sheet(chart):
    blob = chart.part.chart_workbook.xlsx_part.blob
    assert zipfile.is_zipfile(io.BytesIO(blob))
    return load_workbook(io.BytesIO(blob)).active


def test_deck_chart_workbooks_hold_labels_as_text_never_formulas():
    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    labels = ["=HYPERLINK(\"http://x\",\"y\")", "+1", "-2", "@SUM(A1)", "林荫街道"]
    data = deck_module.SafeChartData()
    data.categories = labels
    data.add_series("=1+1", [1, 2, 3, 4, 5])
    chart = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, 0, 0, Inches(4), Inches(3), data).chart
    sheet = _embedded_sheet(chart)
    cells = [sheet.cell(row=r, column=1) for r in range(2, 7)] + [sheet.cell(row=1, column=2)]
    assert [c.value for c in cells] == [*labels, "=1+1"]
    assert all(c.data_type == "s" for c in cells)
    assert all(c.quotePrefix for c in cells if c.value[0] in "=+-@")
    # python-pptx's own chart data would have stored the first label as a formula
    plain = CategoryChartData()
    plain.categories = labels[:1]
    plain.add_series("s", [1])
    chart = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, 0, 0, Inches(4), Inches(3), plain).chart
    assert _embedded_sheet(chart).cell(row=2, column=1).data_type == "f"


def test_deck_charts_use_the_safe_chart_data(cast, data):
    for slide in _deck(cast, data).slides:
        for shape in slide.shapes:
            if shape.has_chart:
                sheet = _embedded_sheet(shape.chart)
                assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_deck_download_carries_the_meetings_title(client, cast, data, settings, tmp_path, eager_celery,
                                                  django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(cast.reviewer)
    client.post(reverse("reports:meetings") + "?year=2021",
                {"title": "2021年度测试推进会", "year": "2021", "indicators": ["puhui"]})
    snapshot = MeetingSnapshot.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:deck", args=[snapshot.pk]))
    job = ExportJob.objects.get()
    download = client.get(reverse("reports:export_download", args=[job.pk]))
    assert quote("2021年度测试推进会.pptx") in download["Content-Disposition"]
