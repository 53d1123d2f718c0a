"""The PowerPoint deck of a meeting snapshot: the meeting mode's slides (reports.slides), in the same order
under the same headlines — cover, agenda, 总体情况 (the briefing's paragraph), the targets by programme, the action
plan, the problems — with
native, editable charts and tables. Every run carries an East-Asian font, so Office and WPS render alike.
Type is 14 pt and up: on a 13.33-inch slide shown at 1920 px, 12 pt is the 24 px floor of meeting mode."""
from contextlib import contextmanager
from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.chart.xlsx import CategoryWorkbookWriter
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Inches, Pt, lazyproperty
from xlsxwriter import Workbook as XlsxWorkbook

from edugov.xlsx import is_risky
from reports.formatting import (
    STATUS_COLOURS,
    STATUS_LABELS,
    STATUS_SYMBOLS,
    coverage_text,
    fmt_value,
    margin_text,
    unit_value_text,
)
from reports.models import MeetingSnapshot
from reports.selectors.meeting import snapshot_meeting_payload
from reports.slides import as_of_text, date_text, meeting_slides

FONT = "Microsoft YaHei"  # 微软雅黑: present in Office and WPS on the bureau's Windows desktops
INK, MUTED, BRAND, GOAL = "1D2733", "5B6775", "0B5CAD", "B3261E"
LAYOUT_TITLE, LAYOUT_TITLE_ONLY = 0, 5
WIDTH = 13.333


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def _lines(frame, lines: list[tuple], *, align=PP_ALIGN.LEFT) -> None:
    """lines: (text, size, bold, colour) each a paragraph."""
    frame.word_wrap = True
    for index, (text, size, bold, colour) in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.alignment = align
        run = paragraph.add_run()
        run.text = text
        run.font.size, run.font.bold, run.font.color.rgb = Pt(size), bold, _rgb(colour)


def _box(slide, left, top, width, height, lines, **kwargs):
    shape = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    _lines(shape.text_frame, lines, **kwargs)
    return shape


def _page(deck, slide_data: dict, footer: str, total: int):
    """A title-only slide: the headline as the slide's title, the programme above it, the footer below."""
    slide = deck.slides.add_slide(deck.slide_layouts[LAYOUT_TITLE_ONLY])
    title = slide.shapes.title
    title.left, title.top, title.width, title.height = Inches(0.5), Inches(0.55), Inches(WIDTH - 1), Inches(1.25)
    title.text_frame.clear()
    title.text_frame.vertical_anchor = MSO_ANCHOR.TOP
    _lines(title.text_frame, [(slide_data["title"], 28, True, INK)])
    if slide_data.get("kicker"):
        _box(slide, 0.5, 0.12, WIDTH - 1, 0.45, [(slide_data["kicker"], 16, True, BRAND)])
    _box(slide, 0.5, 6.95, WIDTH - 1, 0.4, [(f"{footer}    {slide_data['number']} / {total}", 14, False, MUTED)])
    return slide


def _cover(deck, data: dict, footer: str, total: int) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[LAYOUT_TITLE])
    title, subtitle = slide.shapes.title, slide.placeholders[1]
    title.left, title.top, title.width, title.height = Inches(0.8), Inches(2.0), Inches(WIDTH - 1.6), Inches(1.6)
    title.text_frame.clear()
    _lines(title.text_frame, [(data["title"], 40, True, BRAND)], align=PP_ALIGN.CENTER)
    subtitle.left, subtitle.top, subtitle.width, subtitle.height = (Inches(0.8), Inches(3.8), Inches(WIDTH - 1.6),
                                                                    Inches(2.6))
    subtitle.text_frame.clear()
    _lines(subtitle.text_frame, [(data["plan"], 16, False, MUTED), (data["date"], 22, False, INK),
                                 (data["as_of"], 18, True, INK)], align=PP_ALIGN.CENTER)
    _box(slide, 0.8, 0.9, WIDTH - 1.6, 0.8, [(data["bureau"], 24, True, INK)], align=PP_ALIGN.CENTER)


def _agenda(deck, data, footer, total) -> None:
    slide = _page(deck, data, footer, total)
    lines = []
    for part in data["parts"]:
        lines += [(f"{part['heading']}  {part['pages']}", 26, True, INK), (part["summary"], 18, False, MUTED)]
    _box(slide, 0.8, 1.9, WIDTH - 1.6, 4.8, lines)


def _summary(deck, data, footer, total) -> None:
    """The briefing's 总体情况 paragraph as text, then its counts as boxes, each status in its colour and word."""
    slide = _page(deck, data, footer, total)
    _box(slide, 0.6, 1.9, WIDTH - 1.2, 2.4, [(data["text"], 22, False, INK)])
    tiles, gap, left = data["tiles"], 0.2, 0.6
    share = (WIDTH - 1.2 - gap * (len(tiles) - 1)) / sum(2 if t.get("wide") else 1 for t in tiles)
    for tile in tiles:  # a wide tile (「155/215」) takes two shares, as on the screen
        colour = STATUS_COLOURS[tile["status"]] if tile["status"] else BRAND
        width = share * (2 if tile.get("wide") else 1)
        box = _box(slide, left, 4.6, width, 1.9, [(tile["value"], 36, True, colour), (tile["label"], 16, True, INK)])
        box.line.color.rgb = _rgb(colour)
        left += width + gap


def _number_format(unit: str, decimals: int) -> str:
    base = "#,##0" + ("." + "0" * decimals if decimals else "")
    return base + ('"%"' if unit == "%" else "")


class _TextOnlySheet:
    """The chart's embedded worksheet, through which every label that looks like a formula (「=…」, 「+…」, 「-…」,
    「@…」) is written as text with Excel's quote prefix, as edugov.xlsx does for the workbooks: XlsxWriter
    would store 「=…」 as a live formula, and Excel turns the others into one when the cell is edited."""

    def __init__(self, workbook, worksheet):
        self._sheet = worksheet
        self._quoted = workbook.add_format({"quote_prefix": True})

    def write(self, row, col, value, *args):
        if is_risky(value):
            return self._sheet.write_string(row, col, value, self._quoted)
        return self._sheet.write(row, col, value, *args)

    def write_column(self, row, col, values, *args):
        for offset, value in enumerate(values):
            self.write(row + offset, col, value, *args)

    def __getattr__(self, name):
        return getattr(self._sheet, name)


class _SafeWorkbookWriter(CategoryWorkbookWriter):
    @contextmanager
    def _open_worksheet(self, xlsx_file):
        workbook = XlsxWorkbook(xlsx_file, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_urls": False})
        yield workbook, _TextOnlySheet(workbook, workbook.add_worksheet())
        workbook.close()


class SafeChartData(CategoryChartData):
    """Chart data whose embedded workbook holds no formula a label smuggled in."""

    @lazyproperty
    def _workbook_writer(self):
        return _SafeWorkbookWriter(self)


def _chart(slide, kind, categories, series: dict, box, *, unit: str, decimals: int):
    data = SafeChartData(number_format=_number_format(unit, decimals))
    data.categories = [str(c) for c in categories]
    for name, values in series.items():
        data.add_series(name, values)
    left, top, width, height = (Inches(v) for v in box)
    chart = slide.shapes.add_chart(kind, left, top, width, height, data).chart
    chart.font.size, chart.font.name = Pt(16), FONT
    chart.has_legend = len(series) > 1
    if chart.has_legend:
        chart.legend.position, chart.legend.include_in_layout = XL_LEGEND_POSITION.TOP, False
    plot = chart.plots[0]
    plot.has_data_labels = True
    plot.data_labels.number_format, plot.data_labels.number_format_is_linked = _number_format(unit, decimals), False
    plot.data_labels.font.size = Pt(16)
    return chart


def _goal_values(trend: dict) -> list:
    goals = {g["year"]: g["value"] if g["value"] is not None else g["low"] for g in trend["goals"]}
    return [goals.get(y) for y in trend["years"]]


def _target(deck, data, footer, total) -> None:
    slide = _page(deck, data, footer, total)
    card, trend = data["card"], data["trend"]
    if trend:
        chart = _chart(slide, XL_CHART_TYPE.LINE_MARKERS, trend["years"],
                       {_("实际"): trend["actual"], _("目标") + card["goal"]["display"]: _goal_values(trend)},
                       (0.4, 1.9, 8.7, 4.9), unit=card["unit"], decimals=card["decimals"])
        goal = chart.plots[0].series[1]
        goal.format.line.color.rgb, goal.format.line.dash_style = _rgb(GOAL), MSO_LINE_DASH_STYLE.DASH
        goal.data_labels.position = XL_LABEL_POSITION.BELOW
        goal.data_labels.font.color.rgb = _rgb(GOAL)
        chart.plots[0].series[0].data_labels.position = XL_LABEL_POSITION.ABOVE
    colour = STATUS_COLOURS[card["status"]]
    lines = [(fmt_value(card["actual"], card["unit"], card["decimals"], card.get("kind", "number")), 40, True, INK),
             (_("目标") + " " + card["goal"]["display"], 20, False, MUTED),
             (f"{STATUS_SYMBOLS[card['status']]} {STATUS_LABELS[card['status']]}", 26, True, colour)]
    extra = [margin_text(card.get("margin"), card["unit"], card["decimals"]),
             coverage_text(card["schools_reported"], card["schools_expected"]),
             _("近似口径") if card.get("approximate") else ""]
    lines += [(text, 18, False, INK) for text in extra if text]
    box = _box(slide, 9.4, 2.1, 3.5, 4.5, lines)
    box.line.color.rgb = _rgb(colour)


def _towns(deck, data, footer, total) -> None:
    slide = _page(deck, data, footer, total)
    card, rows = data["card"], sorted(data["rows"], key=lambda r: -r["value"])
    chart = _chart(slide, XL_CHART_TYPE.BAR_CLUSTERED, [r["label"] for r in rows],
                   {_("实际"): [r["value"] for r in rows]}, (0.5, 2.3, WIDTH - 1, 4.6),
                   unit=card["unit"], decimals=card["decimals"])
    chart.category_axis.reverse_order = True  # highest first, as on the screen
    for point, row in zip(chart.plots[0].series[0].points, rows, strict=True):
        colour = STATUS_COLOURS[row["status"]] if row.get("status") else "#" + BRAND
        point.format.fill.solid()
        point.format.fill.fore_color.rgb = _rgb(colour)
        if row.get("status"):  # the word with the colour, never the colour alone
            label = point.data_label.text_frame
            label.text = (f"{unit_value_text(row, card['unit'], card['decimals'])} "
                          f"{STATUS_SYMBOLS[row['status']]} {STATUS_LABELS[row['status']]}")
            point.data_label.position = XL_LABEL_POSITION.OUTSIDE_END
    if data["goal"]:
        _box(slide, 0.5, 1.8, WIDTH - 1, 0.5, [(_("目标") + " " + data["goal"]["display"], 18, True, GOAL)])


def _heat_colour(share) -> str:
    """Red (behind) through amber to green (done), the status palette's colours."""
    if share is None:
        return "E5E9EF"
    stops = [(0, STATUS_COLOURS["not_met"]), (50, STATUS_COLOURS["close"]), (100, STATUS_COLOURS["met"])]
    (x0, c0), (x1, c1) = (stops[0], stops[1]) if share <= 50 else (stops[1], stops[2])
    t = (share - x0) / (x1 - x0)
    mix = [round(int(c0[i:i + 2], 16) * (1 - t) + int(c1[i:i + 2], 16) * t) for i in (1, 3, 5)]
    return "".join(f"{v:02X}" for v in mix)


def _table(slide, header: list[str], rows: list[list[str]], widths: list[float], *, top=1.9, size=16, fills=None):
    height = min(4.9, 0.42 * (len(rows) + 1))
    table = slide.shapes.add_table(len(rows) + 1, len(header), Inches(0.5), Inches(top), Inches(sum(widths)),
                                   Inches(height)).table
    for col, width in enumerate(widths):
        table.columns[col].width = Inches(width)
    for r, values in enumerate([header, *rows]):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.text_frame.clear()
            colour = "FFFFFF" if r and fills and fills[r - 1][c] else (INK if r else "FFFFFF")
            _lines(cell.text_frame, [(str(value), size, r == 0, colour)])
            if r and fills and fills[r - 1][c]:
                cell.fill.solid()
                cell.fill.fore_color.rgb = _rgb(fills[r - 1][c])
    return table


def _heatmap(deck, data, footer, total) -> None:
    slide = _page(deck, data, footer, total)
    heat = data["heatmap"]
    rows = [[dept, *texts] for dept, texts in zip(heat["departments"], heat["text"], strict=True)]
    fills = [[None, *(_heat_colour(s) for s in shares)] for shares in heat["share"]]
    size = 16 if len(rows) <= 10 else 14
    _table(slide, [_("责任部门"), *map(str, heat["years"])], rows, [3.3] + [2.2] * len(heat["years"]), size=size,
           fills=fills)


def _departments(deck, data, footer, total) -> None:
    slide = _page(deck, data, footer, total)
    rows = [[d["department"], d["overdue"], d["delayed"], d["total"]] for d in data["departments"]]
    _table(slide, [_("责任部门"), _("逾期未完成"), _("自报滞后"), _("条目总数")], rows, [4.3, 2.6, 2.6, 2.6])


def _items(deck, data, footer, total) -> None:
    slide = _page(deck, data, footer, total)
    rows = [[i["departments_text"], i["year"], f"({i['programme']}){i['order']} {i['text_short']}", i["status_label"]]
            for i in data["items"]]
    _table(slide, [_("责任部门"), _("年度"), _("事项"), _("状态")], rows, [2.6, 1.0, 7.4, 1.3])
    if data["more"]:
        more = _("另有%(n)s项,见「行动计划」页面") % {"n": data["more"]}
        _box(slide, 0.5, 6.4, WIDTH - 1, 0.5, [(more, 16, False, MUTED)])


def _problems(deck, data, footer, total) -> None:
    slide = _page(deck, data, footer, total)
    lines = []
    for problem in data["problems"]:
        lines += [(problem["headline"], 20, True, STATUS_COLOURS[problem["status"]]),
                  (problem["note"] or _("(尚未填写差距说明)"), 18, False, INK if problem["note"] else MUTED)]
    if not lines:
        lines = [(_("本年度目标均已达标或无数据,暂无需要研究解决的问题。"), 20, False, MUTED)]
    _box(slide, 0.6, 1.9, WIDTH - 1.2, 4.9, lines)


BUILDERS = {"cover": _cover, "agenda": _agenda, "summary": _summary, "target": _target, "towns": _towns,
            "heatmap": _heatmap, "departments": _departments, "items": _items, "problems": _problems}
TEXT_PROPERTIES = (qn("a:rPr"), qn("a:defRPr"), qn("a:endParaRPr"))
# a:rPr children that come after the fonts in the schema (ln, fills, effects, highlight, uLn, uFill come before)
AFTER_FONTS = {qn(t) for t in ("a:cs", "a:sym", "a:hlinkClick", "a:hlinkMouseOver", "a:rtl", "a:extLst")}


def _set_fonts(properties) -> None:
    """a:latin and a:ea, in schema order, on one run's (or a default's) properties."""
    for tag in ("a:latin", "a:ea"):
        for old in properties.findall(qn(tag)):
            properties.remove(old)
    anchor = next((child for child in properties if child.tag in AFTER_FONTS), None)
    for tag in ("a:latin", "a:ea"):
        font = properties.makeelement(qn(tag), {"typeface": FONT})
        if anchor is None:
            properties.append(font)
        else:
            anchor.addprevious(font)
    properties.set("lang", "zh-CN")


def _east_asian_fonts(deck) -> None:
    """Every run and default text property of every slide and chart names the font for Chinese too."""
    for slide in deck.slides:
        roots = [slide.shapes._spTree] + [s.chart._chartSpace for s in slide.shapes if s.has_chart]
        for root in roots:
            for run in root.iter(qn("a:r")):
                run.get_or_add_rPr()
            for element in list(root.iter(*TEXT_PROPERTIES)):
                _set_fonts(element)


def build_deck(snapshot: MeetingSnapshot) -> bytes:
    payload = snapshot_meeting_payload(snapshot)
    as_of = as_of_text(payload.get("data_as_of"))
    slides = meeting_slides(payload, title=snapshot.title, date_text=date_text(timezone.localdate(snapshot.frozen_at)),
                            as_of_text=as_of, live=False)
    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(WIDTH), Inches(7.5)
    footer = f"{snapshot.title} · {as_of}"
    for slide in slides:
        BUILDERS[slide["kind"]](deck, slide, footer, len(slides))
    _east_asian_fonts(deck)
    out = BytesIO()
    deck.save(out)
    return out.getvalue()
