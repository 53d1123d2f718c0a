"""The A4 report (打印版): what the print page shows and the server-side PDF prints, as data.

A4 portrait with the 公文 margins of GB/T 9704 (top 37 mm, binding side 28 mm, outer 26 mm, bottom 35 mm), so
the text block is 156 mm wide: every chart is drawn at that width (590 px at 96 px/inch) and one to a row, so
none can cover another whatever the printer does. Four sections, each from a new page: the targets, the
trends by programme (工程), the action plan, and 「需要研究解决的问题」. Verdicts and headlines come from the
cards (indicators.verdicts) through reports.slides; nothing here judges a target."""
from django.utils.translation import gettext as _

from reports import figures
from reports.naming import plan_short_title, report_title
from reports.slides import (
    PROBLEM_STATUSES,
    ordered_cards,
    programme_label,
    target_headline,
)

PAGE_MM = {"width": 210, "height": 297, "top": 37, "inner": 28, "outer": 26, "bottom": 35}
TEXT_WIDTH_MM = PAGE_MM["width"] - PAGE_MM["inner"] - PAGE_MM["outer"]
PX_PER_MM = 96 / 25.4
CHART_WIDTH = int(TEXT_WIDTH_MM * PX_PER_MM)  # 589 px
TREND_HEIGHT = 250
PRINT_FONT = 12
OVERDUE_ROWS = 20


def for_print(figure: dict, *, height: int) -> dict:
    """The same figure at the text block's width: a fixed size, so the page and the PDF lay it out alike."""
    layout = figure["layout"]
    layout.update(width=CHART_WIDTH, height=height, autosize=False)
    layout["font"] = {**layout.get("font", {}), "size": PRINT_FONT}
    if "title" in layout:
        layout["title"]["font"] = {"size": PRINT_FONT + 2}
    layout["margin"] = {**layout.get("margin", {}), "t": 40, "b": 40, "r": 20}
    layout["legend"] = {"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 1, "xanchor": "right"}
    return figure


def print_trend(trend: dict, *, title: str) -> dict:
    """A trend with the target written at every year that has one (「目标≥86%」), below the target line."""
    figure = figures.trend_figure(trend, title=title, height=TREND_HEIGHT)
    for trace in figure["data"]:
        if trace.get("text") and trace.get("name") in (_("目标"), _("目标区间")):
            trace["mode"] = "lines+markers+text" if trace.get("mode") != "lines" else "lines+text"
            trace["text"] = [_("目标") + str(t) for t in trace["text"]]
            trace["textfont"] = {"color": figures.GOAL}
            trace["cliponaxis"] = False
    return for_print(figures.separate_labels(figure, trend), height=TREND_HEIGHT)


def _chart(dom_id: str, figure: dict | None, caption: str = "") -> dict | None:
    if not figure:
        return None
    return {"id": dom_id, "data_id": f"{dom_id}-data", "figure": figure, "caption": caption}


def _trend_groups(overview: dict, programmes: dict) -> list[dict]:
    trends = {t["indicator"]: t for t in overview["trends"]}
    groups: list[dict] = []
    seen = set()
    for card in ordered_cards(overview["cards"], programmes):
        trend = trends.get(card["indicator"])
        if trend is None or card["indicator"] in seen:
            continue
        seen.add(card["indicator"])
        label = programme_label(programmes.get(card["measure"]))
        if not groups or groups[-1]["label"] != label:
            groups.append({"label": label, "charts": []})
        chart = _chart(f"trend-{card['indicator']}", print_trend(trend, title=card["name"]), target_headline(card))
        groups[-1]["charts"].append(chart)
    return groups


def _action_charts(overview: dict, actions: dict | None) -> list[dict]:
    progress = overview["progress"]
    charts = [
        _chart("progress-programmes", figures.progress_figure(progress["programmes"], title=_("各工程行动计划完成率"))),
        _chart("progress-departments", figures.progress_figure(progress["departments"], title=_("各责任部门完成率"))),
    ]
    if actions and actions["heatmap"]["departments"]:
        charts.append(_chart("heatmap", figures.heatmap_figure(actions["heatmap"],
                                                                title=_("各部门各年度行动计划完成率"))))
    for chart in charts:
        if chart:
            layout = chart["figure"]["layout"]
            for_print(chart["figure"], height=layout["height"])
            layout["margin"]["t"] = 50
            layout.pop("legend", None)
    return [c for c in charts if c]


def _problems(overview: dict, programmes: dict) -> list[dict]:
    return [{"headline": target_headline(card), "status": card["status"], "note": card.get("gap_note") or ""}
            for card in ordered_cards(overview["cards"], programmes) if card["status"] in PROBLEM_STATUSES]


def report_context(payload: dict, *, date_text: str) -> dict:
    """payload: reports.services.snapshot_payload (the overview with the meeting's programmes, bureau, actions)."""
    overview = payload["overview"]
    programmes = payload.get("programmes") or {}
    actions = payload.get("actions")
    groups = _trend_groups(overview, programmes)
    action_charts = _action_charts(overview, actions)
    overdue = (actions or {}).get("overdue", [])
    return {
        "title": report_title(plan_title=overview["plan"]["title"], year=overview["year"]),
        # two lines on the cover, broken between the plan and the year, never inside a word
        "title_lines": [plan_short_title(overview["plan"]["title"]),
                        _("%(year)s年度推进情况报告") % {"year": overview["year"]}],
        "bureau": payload.get("bureau", ""), "date": date_text, "plan": overview["plan"], "year": overview["year"],
        "cards": ordered_cards(overview["cards"], programmes), "untracked": overview.get("untracked", []),
        "trend_groups": groups, "action_charts": action_charts, "actions": actions,
        "overdue": overdue[:OVERDUE_ROWS], "overdue_more": max(0, len((actions or {}).get("overdue", []))
                                                                   - OVERDUE_ROWS),
        "problems": _problems(overview, programmes),
        "charts": [c for g in groups for c in g["charts"]] + action_charts,
        "page": PAGE_MM,
    }


def css_string(text: str) -> str:
    """A CSS string literal's content: quotes, backslashes and line breaks escaped, and no way out of <style>."""
    out = []
    for char in text:
        if char in '"\\<>' or ord(char) < 0x20:
            out.append(f"\\{ord(char):x} ")
        else:
            out.append(char)
    return "".join(out)
