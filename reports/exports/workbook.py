"""The Excel workbook: targets versus actuals by year, indicator breakdowns, action items."""
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from edugov.xlsx import text_safe
from indicators.formula import parse
from indicators.models import IndicatorValue, Level
from plans.models import ActionItem, ItemStatus, Plan
from reports.formatting import STATUS_LABELS
from reports.selectors.overview import overview_payload

BOLD = Font(bold=True)


def _sheet(book, title: str, header: list[str]):
    sheet = book.create_sheet(title)
    sheet.append(text_safe(sheet, header))
    for cell in sheet[1]:
        cell.font = BOLD
    sheet.freeze_panes = "A2"
    return sheet


def _targets(book, plan: Plan) -> None:
    sheet = _sheet(book, _("目标与实际"), [
        _("年度"), _("目标"), _("指标"), _("目标值"), _("实际"), _("单位"), _("与目标相比"), _("状态"),
        _("已审核学校"), _("应报学校"), _("口径说明"), _("差距说明")])
    for year in plan.years:
        for card in overview_payload(plan=plan, year=year)["cards"]:
            approximate = _("近似口径") + ":" + card["approximation_note"] if card["approximate"] else ""
            sheet.append(text_safe(sheet, [
                year, card["name"], card["indicator_name"], card["goal"]["display"], card["actual"], card["unit"],
                card["margin"], str(STATUS_LABELS[card["status"]]),
                card["schools_reported"] if card["schools_expected"] else None,
                card["schools_expected"] or None, approximate, card["gap_note"]]))


def _breakdowns(book, plan: Plan) -> None:
    sheet = _sheet(book, _("指标分解"), [_("指标代码"), _("指标"), _("年度"), _("层级"), _("单位"), _("值"),
                                          _("分子(合计)"), _("分母(合计)"), _("已审核学校"), _("应报学校")])
    levels = dict(Level.choices)
    rows = (IndicatorValue.objects.filter(year__in=plan.years).exclude(level=Level.SCHOOL)
            .select_related("indicator").order_by("indicator__code", "year", "level", "unit_key"))
    scales: dict[int, float] = {}
    for v in rows.iterator(chunk_size=2000):
        if v.indicator_id not in scales:
            scales[v.indicator_id] = parse(v.indicator.numerator).scale
        numerator = _float(v.numerator)
        sheet.append(text_safe(sheet, [
            v.indicator.code, v.indicator.name_zh, v.year, str(levels.get(v.level, v.level)), v.unit_label,
            _float(v.value), None if numerator is None else numerator / scales[v.indicator_id],
            _float(v.denominator), v.schools_reported, v.schools_expected]))


def _items(book, plan: Plan) -> None:
    sheet = _sheet(book, _("行动计划"), [_("年度"), _("工程"), _("序号"), _("工作内容与目标"), _("责任部门"),
                                          _("状态"), _("进度(%)"), _("最近更新")])
    statuses = dict(ItemStatus.choices)
    items = (ActionItem.objects.filter(programme__plan=plan).select_related("programme")
             .prefetch_related("departments").order_by("year", "programme__number", "order"))
    for item in items:
        sheet.append(text_safe(sheet, [
            item.year, item.programme.name, item.order, item.text, "、".join(d.name for d in item.departments.all()),
            str(statuses[item.status]), item.progress, _local(item.updated_at)]))


def _local(moment):
    """Excel has no time zones: write the bureau's wall-clock time (Asia/Shanghai), as the pages show it."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _float(value):
    return None if value is None else float(value)


def build_workbook(*, plan: Plan, year: int) -> bytes:
    book = Workbook()
    book.remove(book.active)
    _targets(book, plan)
    _breakdowns(book, plan)
    _items(book, plan)
    out = BytesIO()
    book.save(out)
    return out.getvalue()
