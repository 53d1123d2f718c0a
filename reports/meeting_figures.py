"""Figures for the meeting room: the dashboard's builders (reports.figures) with type read from the back row
(nothing under 24 px at 1920×1080), the target written on the chart, and towns as horizontal bars coloured
and labelled with their verdict. Plain dicts, like reports.figures."""
from django.utils.translation import gettext as _

from reports import figures
from reports.formatting import STATUS_COLOURS, STATUS_LABELS, STATUS_SYMBOLS, unit_value_text

FONT_SIZE = 26
SMALL = 24  # the floor: status words and tick labels included
# the heatmap runs from behind (red) through amber to done (green), the status palette's order
DONE_SCALE = [[0, STATUS_COLOURS["not_met"]], [0.5, STATUS_COLOURS["close"]], [1, STATUS_COLOURS["met"]]]


def _projector(figure: dict, *, margin: dict) -> dict:
    layout = figure["layout"]
    layout.pop("title", None)
    layout["font"] = {**layout.get("font", {}), "size": FONT_SIZE}
    layout["margin"] = margin
    layout["hoverlabel"] = {"font": {"size": FONT_SIZE}}
    for axis in ("xaxis", "yaxis"):
        layout.setdefault(axis, {})["tickfont"] = {"size": SMALL}
    for trace in figure["data"]:
        trace["cliponaxis"] = False  # a label above the top point is drawn, not cut
    return figure


def trend(trend: dict) -> dict:
    """The district over the plan's years, the target of every year drawn and written (「目标≥86%」)."""
    figure = figures.trend_figure(trend, title="", height=600)
    for trace in figure["data"]:
        if trace.get("text") and trace.get("name") in (_("目标"), _("目标区间")):
            trace["mode"] = "lines+markers+text" if trace.get("mode") != "lines" else "lines+text"
            trace["text"] = [_("目标") + str(t) for t in trace["text"]]
            trace["textposition"] = "bottom center"
            trace["textfont"] = {"color": figures.GOAL, "size": SMALL}
    layout = figure["layout"]
    layout["legend"] = {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 1, "xanchor": "right",
                        "font": {"size": SMALL}}
    layout["xaxis"]["title"] = {"text": ""}
    layout["yaxis"]["range"] = _padded_range(trend)
    return _projector(figures.separate_labels(figure, trend), margin={"l": 110, "r": 60, "t": 60, "b": 60})


def _padded_range(trend: dict) -> list[float] | None:
    """From zero, with room above the top point for its label."""
    points = [v for v in trend["actual"] if v is not None]
    for goal in trend["goals"]:
        points += [v for v in (goal["value"], goal["low"], goal["high"]) if v is not None]
    if not points:
        return None
    low, high = min(points), max(points)
    pad = max((high - low) * 0.25, abs(high) * 0.05, 1)
    # counts and shares start at zero (figures._layout): a 2-point change must not look like a doubling
    return [0 if low >= 0 else low - pad, high + pad]


def towns(rows: list[dict], *, unit: str, decimals: int, goal: dict | None) -> dict:
    """Horizontal bars, highest first, each written with its value and — where the target applies to towns —
    its status symbol and word in the status colour."""
    rows = sorted((r for r in rows if r["value"] is not None), key=lambda r: -r["value"])
    # each town with its own decimals (a miss never reads as the goal) and 「(暂)」 from partial data
    text = [unit_value_text(r, unit, decimals) + (
        f" {STATUS_SYMBOLS[r['status']]} {STATUS_LABELS[r['status']]}" if r.get("status") else "") for r in rows]
    bars = {"type": "bar", "orientation": "h", "y": [r["label"] for r in rows], "x": [r["value"] for r in rows],
            "marker": {"color": [STATUS_COLOURS[r["status"]] if r.get("status") else figures.ACTUAL for r in rows]},
            "text": text, "textposition": "outside", "constraintext": "none", "textfont": {"size": FONT_SIZE},
            "hovertemplate": "%{y}: %{text}<extra></extra>"}
    top = max([r["value"] for r in rows] + [_goal_level(goal) or 0])
    layout = {"font": {"family": figures.FONT, "size": FONT_SIZE}, "separators": ".,", "showlegend": False,
              "paper_bgcolor": "#fff", "plot_bgcolor": "#fff", "bargap": 0.25,
              "xaxis": {"range": [0, top * 1.04 if top > 0 else 1], "ticksuffix": "%" if unit == "%" else "",
                        "gridcolor": "#e5e9ef", "tickformat": ","},
              "yaxis": {"autorange": "reversed", "automargin": True}}
    level = _goal_level(goal)
    if level is not None:
        layout["shapes"] = [{"type": "line", "yref": "paper", "y0": 0, "y1": 1, "x0": level, "x1": level,
                             "line": {"color": figures.GOAL, "dash": "dash", "width": 3}}]
        layout["annotations"] = [{"yref": "paper", "y": 1, "x": level, "yanchor": "bottom", "showarrow": False,
                                  "text": _("目标") + goal["display"], "font": {"color": figures.GOAL, "size": SMALL}}]
    # the labels run past the axis into the right margin: the axis ends at the data, not at 140%
    return _projector(figures.figure([bars], layout), margin={"l": 40, "r": 300, "t": 50, "b": 50})


def _goal_level(goal: dict | None):
    if not goal:
        return None
    return goal["value"] if goal["value"] is not None else goal["low"]


def heatmap(heatmap: dict) -> dict:
    """Department × year, share of items done, red (behind) to green (done), 'done/total' in every cell."""
    figure = figures.heatmap_figure(heatmap, title="")
    cells = figure["data"][0]
    cells.update(colorscale=DONE_SCALE, textfont={"size": SMALL, "color": "#fff"}, xgap=4, ygap=4)
    cells["colorbar"] = {"title": {"text": _("完成率"), "font": {"size": SMALL}}, "ticksuffix": "%",
                         "tickfont": {"size": SMALL}}
    figure["layout"]["xaxis"]["title"] = {"text": ""}
    figure["layout"]["yaxis"]["automargin"] = True
    return _projector(figure, margin={"l": 40, "r": 40, "t": 20, "b": 50})
