"""The PowerPoint deck of a meeting snapshot: one native (editable) chart a slide."""
from io import BytesIO

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.util import Inches, Pt

from reports.formatting import coverage_text, fmt_value, margin_text, status_text, summary_line
from reports.models import MeetingSnapshot


def as_of_text(snapshot: MeetingSnapshot) -> str:
    stamp = parse_datetime(snapshot.payload["data_as_of"]) if snapshot.payload.get("data_as_of") else None
    when = timezone.localtime(stamp).strftime("%Y-%m-%d %H:%M") if stamp else _("无数据")
    return _("数据截至 %(when)s") % {"when": when}


def _title(slide, text: str, footer: str) -> None:
    slide.shapes.title.text = text
    slide.shapes.title.text_frame.paragraphs[0].font.size = Pt(30)
    box = slide.shapes.add_textbox(Inches(0.4), Inches(7.0), Inches(12.5), Inches(0.4))
    box.text_frame.text = footer
    box.text_frame.paragraphs[0].font.size = Pt(12)


def _chart(slide, categories, series: dict, kind=XL_CHART_TYPE.LINE_MARKERS) -> None:
    data = CategoryChartData()
    data.categories = [str(c) for c in categories]
    for name, values in series.items():
        data.add_series(name, values)
    frame = slide.shapes.add_chart(kind, Inches(0.6), Inches(1.4), Inches(12.1), Inches(5.5), data)
    chart = frame.chart
    chart.has_legend = len(series) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
    chart.font.size = Pt(14)


def _goal_series(trend: dict) -> list:
    goals = {g["year"]: g["value"] if g["value"] is not None else g["low"] for g in trend["goals"]}
    return [goals.get(y) for y in trend["years"]]


def build_deck(snapshot: MeetingSnapshot) -> bytes:
    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(13.333), Inches(7.5)
    footer = f"{snapshot.title} · {as_of_text(snapshot)}"
    overview = snapshot.payload["overview"]
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    _title(slide, snapshot.title, footer)
    body = slide.placeholders[1].text_frame
    body.text = summary_line(overview)
    for card in overview["cards"]:
        line = body.add_paragraph()
        actual = fmt_value(card["actual"], card["unit"], card["decimals"])
        line.text = f"{status_text(card['status'])}  {card['name']}: {actual} / {card['goal']['display']}"
        extra = [margin_text(card.get("margin"), card["unit"], card["decimals"])]
        if card.get("provisional"):
            extra.append(coverage_text(card["schools_reported"], card["schools_expected"]))
        if card.get("approximate"):
            extra.append(_("近似口径"))
        if any(extra):
            line.text += "(" + ",".join(e for e in extra if e) + ")"
        line.font.size = Pt(14)
    for trend in overview["trends"]:
        slide = deck.slides.add_slide(deck.slide_layouts[5])
        _title(slide, trend["name"], footer)
        _chart(slide, trend["years"], {_("实际"): trend["actual"], _("目标"): _goal_series(trend)})
    for chosen in snapshot.payload["indicators"]:
        rows = [r for r in chosen["breakdowns"]["town"] if r["value"] is not None]
        if not rows:
            continue
        slide = deck.slides.add_slide(deck.slide_layouts[5])
        _title(slide, f"{chosen['indicator']['name']} · {_('按镇/街道')}", footer)
        _chart(slide, [r["label"] for r in rows], {_("实际"): [r["value"] for r in rows]},
               kind=XL_CHART_TYPE.COLUMN_CLUSTERED)
    out = BytesIO()
    deck.save(out)
    return out.getvalue()
