"""Plotly figure builders: plain data in, a JSON-ready figure dict out.

No template (Plotly's default repeats ~7 KB per chart), Chinese axis titles through gettext,
number formats like 98.5% and 1,234所. Status is carried by text and marker symbols as well as
colour. Each builder is a pure function, tested on its data.

Figures are plain dicts in Plotly's figure schema rather than ``plotly.graph_objects`` objects:
validating graph objects cost ~3 ms a chart, most of a dashboard's time; the tests validate every
builder's output with ``go.Figure`` instead."""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from reports.formatting import STATUS_COLOURS, STATUS_SYMBOLS, fmt_value, status_text, unit_value_text

FONT = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"
ACTUAL = "#0b5cad"
GOAL = "#b3261e"


def _layout(title: str, *, unit: str = "", height: int = 360, **extra) -> dict:
    layout = {
        "title": {"text": title, "x": 0, "font": {"size": 16}},
        "font": {"family": FONT, "size": 14}, "height": height, "separators": ".,",
        "margin": {"l": 60, "r": 20, "t": 50, "b": 50}, "paper_bgcolor": "#fff", "plot_bgcolor": "#fff",
        "legend": {"orientation": "h", "y": -0.2}, "hovermode": "closest",
        # counts and shares start at zero: a 2-point change must not look like a doubling
        "yaxis": {"ticksuffix": "%" if unit == "%" else "", "gridcolor": "#e5e9ef", "tickformat": ",",
                  "automargin": True, "title": {"text": _unit_title(unit)}, "rangemode": "tozero"},
    }
    layout.update(extra)
    return layout


def is_count(unit: str, decimals: int) -> bool:
    """所, 个, 名 counted in whole numbers (not a share, not an amount with decimals)."""
    return unit != "%" and decimals == 0


def count_axis(values) -> dict:
    """Whole-number ticks for a count: no 「2.5所」. Up to 10, every integer; above, Plotly's steps are whole anyway."""
    top = max([abs(v) for v in values if v is not None] or [0])
    axis = {"tickformat": ",d", "rangemode": "tozero"}
    if top <= 10:
        axis.update(tick0=0, dtick=1)
    return axis


def _unit_title(unit: str) -> str:
    return _("百分比(%)") if unit == "%" else (_("数量(%(unit)s)") % {"unit": unit} if unit else "")


def for_projector(figure: dict) -> dict:
    """Large type for a meeting room: the same figure, fonts readable from the back row."""
    layout = figure["layout"]
    layout["font"] = {**layout.get("font", {}), "size": 22}
    layout["margin"] = {"l": 90, "r": 30, "t": 20, "b": 90}
    layout.pop("title", None)
    return figure


def figure(traces: list[dict], layout: dict) -> dict:
    return {"data": traces, "layout": layout}


def _hover(unit: str, decimals: int) -> str:
    number = f"%{{y:,.{decimals}f}}"
    return f"%{{x}}: {number}%<extra></extra>" if unit == "%" else f"%{{x}}: {number}{unit}<extra></extra>"


def _goal_traces(goals: list[dict]) -> list[dict]:
    """A line for a single value, a shaded band for a range."""
    years = [str(g["year"]) for g in goals]
    if goals and all(g["comparator"] == "range" for g in goals):
        return [
            dict(type="scatter", x=years, y=[g["high"] for g in goals], mode="lines", line={"width": 0},
                 showlegend=False, hoverinfo="skip"),
            dict(type="scatter", x=years, y=[g["low"] for g in goals], mode="lines", line={"width": 0, "color": GOAL},
                       fill="tonexty", fillcolor="rgba(179,38,30,0.15)", name=_("目标区间"),
                       text=[g["display"] for g in goals], hovertemplate="%{x}: %{text}<extra></extra>"),
        ]
    return [dict(type="scatter", x=years, y=[g["value"] if g["value"] is not None else g["low"] for g in goals],
                       mode="lines+markers", name=_("目标"), line={"color": GOAL, "dash": "dash"},
                       marker={"symbol": "diamond-open", "size": 10}, text=[g["display"] for g in goals],
                       hovertemplate=_("目标") + " %{x}: %{text}<extra></extra>")]


def _forecast_traces(outlook: dict | None, unit: str, decimals: int) -> list[dict]:
    """The forecast as a dashed line from the last fitted year, with its indicative band shaded."""
    if not outlook:
        return []
    years = [str(y) for y in outlook["years"]]
    band = [dict(type="scatter", x=years, y=outlook["high"], mode="lines", line={"width": 0}, showlegend=False,
                 hoverinfo="skip"),
            dict(type="scatter", x=years, y=outlook["low"], mode="lines", line={"width": 0}, fill="tonexty",
                 fillcolor="rgba(11,92,173,0.12)", name=_("预测区间(参考)"), hoverinfo="skip")]
    line = dict(type="scatter", x=years, y=outlook["values"], mode="lines+markers", name=_("趋势预测"),
                line={"color": ACTUAL, "dash": "dot", "width": 2}, marker={"symbol": "circle-open", "size": 8},
                hovertemplate=_("预测") + " " + _hover(unit, decimals))
    return [*band, line]


def trend_figure(trend: dict, *, title: str | None = None, height: int = 320) -> dict:
    """Actual over the plan's years with the target drawn as a line or band."""
    unit, decimals = trend["unit"], trend["decimals"]
    provisional = trend.get("provisional") or [False] * len(trend["years"])
    labels = [(fmt_value(v, unit, decimals) + (_("(暂)") if p else "")) if v is not None else ""
              for v, p in zip(trend["actual"], provisional, strict=True)]
    years = [str(y) for y in trend["years"]]
    # a point from incomplete data is drawn hollow and labelled 「暂」: it may still change
    actual = dict(type="scatter", x=years, y=trend["actual"], mode="lines+markers+text", name=_("实际"),
                        line={"color": ACTUAL, "width": 3},
                        marker={"size": 10, "symbol": ["circle-open" if p else "circle" for p in provisional],
                                "line": {"width": 2, "color": ACTUAL}},
                        text=labels, textposition="top center", cliponaxis=False,
                        hovertemplate=_hover(unit, decimals))
    layout = _layout(trend["name"] if title is None else title, unit=unit, height=height,
                     xaxis={"type": "category", "categoryorder": "array", "categoryarray": years})
    goals = [v for g in trend["goals"] for v in (g["value"], g["low"], g["high"]) if v is not None]
    outlook = trend.get("forecast") or {}
    points = [v for v in [*trend["actual"], *goals, *(outlook.get("high") or [])] if v is not None]
    if points:  # from zero, with room above the top point for its label (never cut by the legend or the edge)
        top, low = max(points), min(points)
        layout["yaxis"]["range"] = [min(0, low * 1.1), top * 1.18 if top > 0 else 1]
    if is_count(unit, decimals):
        layout["yaxis"].update(count_axis(points))
    return figure([*_goal_traces(trend["goals"]), *_forecast_traces(trend.get("forecast"), unit, decimals), actual],
                  layout)


def separate_labels(figure: dict, trend: dict) -> dict:
    """Where the actual and the target of a year are both written, the higher one's label goes above its point and
    the lower one's below, so 「94.3%(暂)」 and 「目标≥100%」 never print over each other."""
    goals = {int(g["year"]): g["value"] if g["value"] is not None else g["low"] for g in trend["goals"]}
    actual = {y: v for y, v in zip(trend["years"], trend["actual"], strict=True)}
    for trace in figure["data"]:
        if "text" not in trace.get("mode", ""):
            continue
        is_goal = trace.get("name") in (_("目标"), _("目标区间"))
        positions = []
        for year in trace["x"]:
            own, other = (goals.get(int(year)), actual.get(int(year))) if is_goal else (
                actual.get(int(year)), goals.get(int(year)))
            above = other is None or own is None or own >= other
            positions.append("top center" if above else "bottom center")
        trace["textposition"] = positions
    return figure


def breakdown_figure(rows: list[dict], *, title: str, unit: str, decimals: int, goal: dict | None,
                     height: int = 380) -> dict:
    """Bars per unit (town, school type…) with the target as a horizontal line."""
    rows = [r for r in rows if r["value"] is not None]
    # bars carry the status colour — and its symbol and word, never the colour alone — only where the target
    # applies to these units
    colours = [STATUS_COLOURS[r["status"]] if r.get("status") else ACTUAL for r in rows]
    bars = dict(type="bar", x=[r["label"] for r in rows], y=[r["value"] for r in rows], marker={"color": colours},
                  text=[unit_value_text(r, unit, decimals) + (f"<br>{status_text(r['status'])}" if r.get("status")
                                                               else "") for r in rows],
                  textposition="outside", cliponaxis=False,
                  customdata=[f"{r['reported']}/{r['expected']}" for r in rows],
                  hovertemplate="%{x}: %{text} (" + _("覆盖学校") + " %{customdata})<extra></extra>")
    shapes = []
    if goal and (goal["value"] is not None or goal["low"] is not None):
        level = goal["value"] if goal["value"] is not None else goal["low"]
        shapes.append({"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": level, "y1": level,
                       "line": {"color": GOAL, "dash": "dash", "width": 2}})
    annotations = [{"xref": "paper", "x": 1, "y": shapes[0]["y0"], "text": _("目标") + " " + goal["display"],
                    "showarrow": False, "yanchor": "bottom", "xanchor": "right", "font": {"color": GOAL}}
                   ] if shapes else []
    layout = _layout(title, unit=unit, height=height, shapes=shapes, annotations=annotations,
                     xaxis={"tickangle": -45, "automargin": True})
    top = max([r["value"] for r in rows] + ([shapes[0]["y0"]] if shapes else []) + [0])
    # room above the tallest bar for its two-line label, so no label is cut by the plot's top
    layout["yaxis"]["range"] = [0, top * 1.25 if top > 0 else 1]
    if is_count(unit, decimals):
        layout["yaxis"].update(count_axis([top]))
    return figure([bars], layout)


def spread_figure(stats: dict, *, title: str, unit: str, goal: dict | None, height: int = 300) -> dict | None:
    """A box from precomputed quartiles: five numbers travel, not every school's value. None where the schools
    do not vary (every school at 100%): a box of zero width says nothing."""
    if not stats or stats.get("n", 0) < 2 or stats["min"] == stats["max"]:
        return None
    box = dict(type="box", name=_("学校"), q1=[stats["q1"]], median=[stats["median"]], q3=[stats["q3"]],
                 lowerfence=[stats["min"]], upperfence=[stats["max"]], mean=[stats["mean"]],
                 orientation="h", marker={"color": ACTUAL}, y=[_("学校")])
    shapes = []
    if goal and goal["value"] is not None:
        shapes.append({"type": "line", "yref": "paper", "y0": 0, "y1": 1, "x0": goal["value"], "x1": goal["value"],
                       "line": {"color": GOAL, "dash": "dash", "width": 2}})
    layout = _layout(title + " " + _("(%(n)s所学校)") % {"n": f"{stats['n']:,}"}, height=height, shapes=shapes,
                     xaxis={"ticksuffix": "%" if unit == "%" else "", "title": {"text": _unit_title(unit)}})
    layout["yaxis"] = {"showticklabels": False}
    return figure([box], layout)


def heatmap_figure(heatmap: dict, *, title: str) -> dict:
    """Department × year, the share of items done, with 'done/total' written in every cell."""
    layout = _layout(title, height=max(320, 34 * len(heatmap["departments"]) + 120),
                     xaxis={"type": "category", "title": {"text": _("年度")}})
    layout["yaxis"] = {"autorange": "reversed", "automargin": True}
    layout["margin"] = {**layout["margin"], "l": 140}
    return figure([dict(
        type="heatmap", z=heatmap["share"], x=[str(y) for y in heatmap["years"]], y=heatmap["departments"],
        # red (behind) → amber → green (done): read without a legend; every cell also says done/total
        text=heatmap["text"], texttemplate="%{text}", zmin=0, zmax=100,
        colorscale=[[0, "#f4c7c3"], [0.5, "#fde9b6"], [1, "#b7dfc0"]],
        colorbar={"title": {"text": _("完成率(%)")}, "ticksuffix": "%"},
        hovertemplate="%{y} %{x}: %{z:.0f}% (%{text})<extra></extra>", xgap=2, ygap=2)], layout)


def progress_figure(rows: list[dict], *, title: str) -> dict:
    """Horizontal bars: share of action items done, labelled 'done/total'."""
    # rounded once, half up, as the tables' percent_of does: 13/23 is 57% on every page
    shares = [float(int(100 * r["done"] / r["total"] + 0.5)) if r["total"] else 0.0 for r in rows]
    bar = dict(type="bar", y=[r["label"] for r in rows], x=shares, orientation="h", marker={"color": ACTUAL},
                 text=[f"{s:.0f}% ({r['done']}/{r['total']})" for s, r in zip(shares, rows, strict=True)],
                 textposition="auto", hovertemplate="%{y}: %{text}<extra></extra>")
    layout = _layout(title, height=max(300, 30 * len(rows) + 100),
                     xaxis={"range": [0, 100], "ticksuffix": "%", "title": {"text": _("完成率")}})
    layout["yaxis"] = {"autorange": "reversed", "automargin": True}
    return figure([bar], layout)


COMPLETENESS_PARTS = [
    # the words of the review page and the status badges (SubmissionStatus, PROGRESS_LABELS)
    ("approved", gettext_noop("已审核通过")), ("checked", gettext_noop("镇街已审核")),
    ("submitted", gettext_noop("待审核")), ("returned", gettext_noop("已退回")), ("draft", gettext_noop("草稿")),
    ("not_started", gettext_noop("未开始")),
]
COMPLETENESS_COLOURS = {"approved": STATUS_COLOURS["met"], "checked": "#4d9a63", "submitted": STATUS_COLOURS["close"],
                        "returned": STATUS_COLOURS["not_met"], "draft": "#9aa3ad", "not_started": "#d5dbe3"}


def completeness_figure(rows: list[dict], *, label_key: str, title: str) -> dict:
    """Stacked bars of schools by submission status for each town or school type."""
    labels = [r[label_key] for r in rows]
    traces = [dict(type="bar", name=_(name), x=labels, y=[r.get(status, 0) for r in rows],
                     marker={"color": COMPLETENESS_COLOURS[status]},
                     hovertemplate="%{x} " + _(name) + ": %{y:,}" + _("所") + "<extra></extra>")
              for status, name in COMPLETENESS_PARTS]
    layout = _layout(title, height=380, barmode="stack", xaxis={"tickangle": -30})
    layout["yaxis"]["title"] = {"text": _("学校数(所)")}
    layout["yaxis"].update(count_axis([sum(r.get(status, 0) for status, _name in COMPLETENESS_PARTS) for r in rows]))
    return figure(traces, layout)


def balance_cv_figure(trend: dict, *, title: str, height: int = 300) -> dict:
    """优质均衡: the largest 差异系数 of each year against the section's maximum (a dashed line, written on the chart).
    A year above it is marked ✘ and drawn red, named 「差异系数超标」 in the legend, as the year table marks it; a year
    whose schools are still reporting is hollow and 「(暂)」. Labels sit on the side of the point away from the line.
    trend: {"years", "cv" (largest per year, None without one), "indicator" (its name), "provisional", "cv_max"}."""
    years, limit = [str(y) for y in trend["years"]], trend["cv_max"]
    over = [cv is not None and cv > limit for cv in trend["cv"]]
    cross = " " + STATUS_SYMBOLS["not_met"]
    labels = ["" if cv is None else f"{cv:.3f}" + (_("(暂)") if p else "") + (cross if o else "") + f"<br>{name}"
              for cv, name, p, o in zip(trend["cv"], trend["indicator"], trend["provisional"], over, strict=True)]
    points = dict(type="scatter", x=years, y=trend["cv"], mode="lines+markers+text", name=_("最大差异系数"),
                  line={"color": ACTUAL, "width": 3}, text=labels, cliponaxis=False,
                  textposition=["top center" if o else "bottom center" for o in over],
                  marker={"size": 10, "color": ACTUAL, "line": {"width": 2, "color": ACTUAL},
                          "symbol": ["circle-open" if p else "circle" for p in trend["provisional"]]},
                  hovertemplate="%{x}: %{text}<extra></extra>")
    flagged = dict(type="scatter", x=[y for y, o in zip(years, over, strict=True) if o],
                   y=[cv for cv, o in zip(trend["cv"], over, strict=True) if o], mode="markers",
                   name=STATUS_SYMBOLS["not_met"] + " " + _("差异系数超标"), hoverinfo="skip",
                   marker={"size": 14, "color": STATUS_COLOURS["not_met"], "symbol": "x"})
    line = dict(type="scatter", x=years, y=[limit] * len(years), mode="lines", name=_("上限"),
                line={"color": GOAL, "dash": "dash", "width": 2},
                hovertemplate=_("上限") + f" {limit:.2f}<extra></extra>")
    layout = _layout(title, height=height, xaxis={"type": "category", "categoryorder": "array",
                                                  "categoryarray": years})
    top = max([v for v in trend["cv"] if v is not None] + [limit])
    layout["yaxis"].update(range=[0, top * 1.45], tickformat=".2f", title={"text": _("差异系数")})
    layout["margin"] = {**layout["margin"], "t": 40}
    layout["annotations"] = [{"xref": "paper", "x": 1, "y": limit, "yanchor": "bottom", "xanchor": "right",
                              "showarrow": False, "text": _("上限") + f" {limit:.2f}", "font": {"color": GOAL}}]
    return figure([line, points, *([flagged] if any(over) else [])], layout)


def balance_schools_figure(trend: dict, *, title: str, height: int = 300) -> dict:
    """优质均衡: the schools of a section by year, stacked — meeting the school rule, missing it, figures not yet
    approved — each part named with its status word and its count written in the bar.
    trend: {"years", "passing", "failing", "missing"}."""
    years = [str(y) for y in trend["years"]]
    parts = [("passing", _("达到学校要求"), "met"), ("failing", _("未达到学校要求"), "not_met"),
             ("missing", _("数据未齐"), "incomplete")]
    traces = [dict(type="bar", name=name, x=years, y=trend[key], marker={"color": STATUS_COLOURS[status]},
                   text=[f"{v:,}" if v else "" for v in trend[key]], textposition="inside",
                   insidetextanchor="middle", textfont={"color": "#fff"},
                   hovertemplate="%{x} " + name + ": %{y:,}" + _("所") + "<extra></extra>")
              for key, name, status in parts]
    layout = _layout(title, height=height, barmode="stack", xaxis={"type": "category"})
    layout["legend"] = {**layout["legend"], "traceorder": "normal"}
    totals = [sum(v) for v in zip(trend["passing"], trend["failing"], trend["missing"], strict=True)]
    layout["yaxis"]["title"] = {"text": _("学校数(所)")}
    layout["yaxis"].update(count_axis(totals))
    layout["margin"] = {**layout["margin"], "t": 40}
    return figure(traces, layout)
