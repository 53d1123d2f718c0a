"""The Excel workbook a clerk hands up without retouching: targets versus actuals by year, every indicator's
breakdown, and the action items with their latest progress note.

Values are rounded to the indicator's decimals and carry a number format (98.5%, 15,305), not a long float;
the counts that were summed are written (在园幼儿 15,305 / 18,180), not a percentage formula's ×100 numerator;
each row says its status in words (the verdict of indicators.verdicts, never re-derived here) and its coverage;
times are Beijing wall-clock time (Excel has no time zones); header rows are frozen and columns sized to fit."""
import datetime
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from edugov.xlsx import text_safe
from indicators.formula import parse
from indicators.models import IndicatorValue, Level, TargetLink
from indicators.verdicts import judge_with_link
from plans.models import ActionItem, ActionItemUpdate, AnnualTarget, ItemStatus, Plan
from reports.formatting import STATUS_COLOURS, STATUS_LABELS, coverage_text
from reports.selectors.overview import overview_payload

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="EEF2F7")
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
TIME_FORMAT = "yyyy-mm-dd hh:mm"
COUNT_FORMAT = "#,##0"
MAX_WIDTH = 48  # longer text wraps
NOT_JUDGED = "—"


def value_format(unit: str, decimals: int) -> str:
    """98.5% for a share stored as 98.5 (not 0.985), 1,234 for a count; the unit of a count has its own column."""
    number = "#,##0" + ("." + "0" * decimals if decimals else "")
    return number + '"%"' if unit == "%" else number


def margin_format(unit: str, decimals: int) -> str:
    """+1.9个百分点 / −0.5个百分点 / 持平."""
    number = "#,##0" + ("." + "0" * decimals if decimals else "")
    suffix = '"' + (_("个百分点") if unit == "%" else unit) + '"'
    return f'+{number}{suffix};-{number}{suffix};"{_("持平")}"'


def _rounded(value, decimals: int):
    return None if value is None else round(float(value), decimals)


def _local(moment):
    """Excel has no time zones: write the bureau's wall-clock time (Asia/Shanghai), as the pages show it."""
    return timezone.localtime(moment).replace(tzinfo=None, microsecond=0) if moment else None


def _display_width(value) -> int:
    if isinstance(value, datetime.datetime | datetime.date):
        return len(TIME_FORMAT) if isinstance(value, datetime.datetime) else len("yyyy-mm-dd")
    text = value if isinstance(value, str) else ("" if value is None else f"{value:,}" if isinstance(
        value, int | float) else str(value))
    return sum(2 if ord(char) > 0x2E7F else 1 for char in text)


class Sheet:
    """A sheet written row by row: formats per cell, widths measured as it goes, header frozen."""

    def __init__(self, book, title: str, header: list[str]):
        self.sheet = book.create_sheet(title)
        self.sheet.append(text_safe(self.sheet, header))
        for cell in self.sheet[1]:
            cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, WRAP
        self.sheet.freeze_panes = "A2"
        self.widths = [_display_width(h) for h in header]

    def row(self, values: list, formats: dict | None = None, colours: dict | None = None) -> None:
        self.sheet.append(text_safe(self.sheet, values))
        cells = self.sheet[self.sheet.max_row]
        for index, (cell, value) in enumerate(zip(cells, values, strict=True)):
            cell.alignment = WRAP if isinstance(value, str) else TOP
            if index in (formats or {}):
                cell.number_format = formats[index]
            if index in (colours or {}):
                cell.font = Font(color=colours[index].lstrip("#"))
            self.widths[index] = max(self.widths[index], _display_width(value))

    def finish(self) -> None:
        for index, width in enumerate(self.widths):
            letter = self.sheet.cell(row=1, column=index + 1).column_letter
            self.sheet.column_dimensions[letter].width = min(MAX_WIDTH, max(6, width + 2))
        self.sheet.auto_filter.ref = self.sheet.dimensions


def _scales(indicators) -> dict:
    return {i.id: parse(i.numerator).scale for i in indicators}


def _district_rows(plan: Plan) -> dict:
    rows = (IndicatorValue.objects.filter(year__in=plan.years, level=Level.DISTRICT)
            .select_related("indicator"))
    return {(row.indicator.code, row.year): row for row in rows}


def _summed(row, scale: float):
    """The counts that were added up: a percentage's numerator without its ×100."""
    if row is None:
        return None, None
    numerator = None if row.numerator is None else float(row.numerator) / scale
    return numerator, None if row.denominator is None else float(row.denominator)


def _targets(book, plan: Plan) -> None:
    sheet = Sheet(book, _("目标与实际"), [
        _("年度"), _("目标"), _("指标"), _("目标值"), _("实际"), _("单位"), _("与目标相比"), _("状态"),
        _("已审核学校"), _("应报学校"), _("填报覆盖"), _("分子(合计)"), _("分母(合计)"), _("数据截至(北京时间)"),
        _("口径说明"), _("差距说明")])
    district = _district_rows(plan)
    scales = _scales({row.indicator for row in district.values()})
    for year in plan.years:
        for card in overview_payload(plan=plan, year=year)["cards"]:
            row = district.get((card["indicator"], year))
            numerator, denominator = _summed(row, scales[row.indicator_id]) if row else (None, None)
            approximate = _("近似口径") + ":" + card["approximation_note"] if card["approximate"] else ""
            unit, decimals = card["unit"], card["decimals"]
            sheet.row([
                year, card["name"], card["indicator_name"], card["goal"]["display"],
                _rounded(card["actual"], decimals), unit, _rounded(card["margin"], decimals),
                str(STATUS_LABELS[card["status"]]),
                card["schools_reported"] if card["schools_expected"] else None, card["schools_expected"] or None,
                coverage_text(card["schools_reported"], card["schools_expected"]) or None,
                numerator, denominator, _local(row.computed_at) if row else None, approximate, card["gap_note"]],
                formats={4: value_format(unit, decimals), 6: margin_format(unit, decimals), 8: COUNT_FORMAT,
                         9: COUNT_FORMAT, 11: COUNT_FORMAT, 12: COUNT_FORMAT, 13: TIME_FORMAT},
                colours={7: STATUS_COLOURS[card["status"]]})
    sheet.finish()


def _judges(plan: Plan) -> tuple[dict, dict]:
    """indicator id → its first link in this plan; (measure, year) → target."""
    links = {}
    for link in TargetLink.objects.filter(plan=plan, indicator__isnull=False).order_by("id"):
        links.setdefault(link.indicator_id, link)
    targets = {(t.measure, t.year): t for t in AnnualTarget.objects.filter(plan=plan)}
    return links, targets


def _applies(link, level: str) -> bool:
    """Scope is data: a district target judges the district only; a town target towns too; a school target all."""
    if level == Level.DISTRICT:
        return True
    if level == Level.TOWN:
        return link.scope in ("town", "school")
    return link.scope == "school"


def _breakdowns(book, plan: Plan) -> None:
    sheet = Sheet(book, _("指标分解"), [
        _("指标代码"), _("指标"), _("年度"), _("层级"), _("单位"), _("值"), _("目标值"), _("状态"),
        _("分子(合计)"), _("分母(合计)"), _("已审核学校"), _("应报学校"), _("填报覆盖")])
    levels = dict(Level.choices)
    links, targets = _judges(plan)
    rows = (IndicatorValue.objects.filter(year__in=plan.years).exclude(level=Level.SCHOOL)
            .select_related("indicator").order_by("indicator__code", "year", "level", "unit_key"))
    scales: dict[int, float] = {}
    for v in rows.iterator(chunk_size=2000):
        indicator = v.indicator
        if indicator.id not in scales:
            scales[indicator.id] = parse(indicator.numerator).scale
        link = links.get(indicator.id)
        target = targets.get((link.measure, v.year)) if link else None
        status = None
        if target is not None and _applies(link, v.level):
            status = judge_with_link(target=target, link=link, indicator=indicator, row={
                "value": v.value, "schools_reported": v.schools_reported,
                "schools_expected": v.schools_expected}).status
        numerator, denominator = _summed(v, scales[indicator.id])
        sheet.row([
            indicator.code, indicator.name_zh, v.year, str(levels.get(v.level, v.level)), v.unit_label,
            _rounded(v.value, indicator.decimals), target.display_goal() if status else NOT_JUDGED,
            str(STATUS_LABELS[status]) if status else NOT_JUDGED, numerator, denominator,
            v.schools_reported, v.schools_expected, coverage_text(v.schools_reported, v.schools_expected) or None],
            formats={5: value_format(indicator.unit, indicator.decimals), 8: COUNT_FORMAT, 9: COUNT_FORMAT,
                     10: COUNT_FORMAT, 11: COUNT_FORMAT},
            colours={7: STATUS_COLOURS[status]} if status else None)
    sheet.finish()


def _latest_updates(plan: Plan) -> dict:
    """item id → its latest progress update (one query: the newest first, the first seen kept)."""
    latest = {}
    updates = ActionItemUpdate.objects.filter(item__programme__plan=plan).order_by("item_id", "-at", "-id")
    for update in updates.only("item_id", "note", "at", "on_date"):
        latest.setdefault(update.item_id, update)
    return latest


def _items(book, plan: Plan) -> None:
    sheet = Sheet(book, _("行动计划"), [_("年度"), _("工程"), _("序号"), _("工作内容与目标"), _("责任部门"),
                                        _("状态"), _("进度(%)"), _("最近进展说明"), _("进展日期"), _("最近更新")])
    statuses = dict(ItemStatus.choices)
    latest = _latest_updates(plan)
    items = (ActionItem.objects.filter(programme__plan=plan).select_related("programme")
             .prefetch_related("departments").order_by("year", "programme__number", "order"))
    for item in items:
        update = latest.get(item.id)
        sheet.row([
            item.year, item.programme.name, item.order, item.text, "、".join(d.name for d in item.departments.all()),
            str(statuses[item.status]), item.progress, update.note if update else None,
            update.on_date if update else None, _local(item.updated_at)],
            formats={8: "yyyy-mm-dd", 9: TIME_FORMAT})
    sheet.finish()


def build_workbook(*, plan: Plan, year: int) -> bytes:
    book = Workbook()
    book.remove(book.active)
    _targets(book, plan)
    _breakdowns(book, plan)
    _items(book, plan)
    book.properties.title = plan.title
    out = BytesIO()
    book.save(out)
    return out.getvalue()
