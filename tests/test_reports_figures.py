"""Figure builders and number formats, tested on their data alone (no database)."""
import json

import plotly.graph_objects as go
import pytest

from reports import figures
from reports.formatting import STATUS_COLOURS, fmt_signed, fmt_value, summary_line

TREND = {"indicator": "puhui", "name": "普惠性幼儿园覆盖率", "unit": "%", "decimals": 1, "years": [2019, 2020, 2021],
         "actual": [78.0, None, 84.25], "reported": [2, None, 2], "expected": [2, 2, 2],
         "goals": [{"year": 2020, "comparator": "gte", "value": 83.0, "low": None, "high": None, "display": "≥83%"},
                   {"year": 2021, "comparator": "gte", "value": 86.0, "low": None, "high": None, "display": "≥86%"}]}


def test_number_formats_read_as_chinese_reports_write_them():
    assert fmt_value(98.5, "%", 1) == "98.5%"
    assert fmt_value(1234, "所", 0) == "1,234所"
    assert fmt_value(None, "%") == "—"
    # a template variable that does not resolve (a school with no value of its own) arrives as ""
    assert fmt_value("", "%") == "—" and fmt_signed("", "%") == "—"
    assert fmt_signed(-1.8, "%", 1) == "−1.8个百分点"
    assert fmt_signed(2, "所", 0) == "+2所"


def test_summary_line_counts_every_status():
    overview = {"year": 2021, "summary": {"total": 29, "met": 21, "close": 3, "not_met": 4, "no_data": 1},
                "unit": {"level": "district"}}
    assert summary_line(overview) == "2021年 29项指标 达标21项 接近3项 未达标4项 无数据1项"


def test_trend_draws_actual_and_target_line_in_year_order():
    fig = figures.trend_figure(TREND)
    goal, actual = fig["data"]
    assert actual["y"] == [78.0, None, 84.25]
    assert actual["text"] == ["78.0%", "", "84.2%"]
    assert goal["x"] == ["2020", "2021"] and goal["y"] == [83.0, 86.0]
    assert fig["layout"]["xaxis"]["categoryarray"] == ["2019", "2020", "2021"]
    assert fig["layout"]["yaxis"]["ticksuffix"] == "%"


def test_summary_line_names_incomplete_targets_only_when_there_are_some():
    overview = {"year": 2022, "summary": {"total": 5, "met": 2, "close": 0, "not_met": 1, "incomplete": 2,
                                          "no_data": 0}, "unit": {"level": "district"}}
    assert summary_line(overview) == "2022年 5项指标 达标2项 接近0项 未达标1项 数据未齐2项 无数据0项"


def test_provisional_trend_point_is_hollow_and_labelled():
    fig = figures.trend_figure({**TREND, "provisional": [False, False, True]})
    actual = fig["data"][-1]
    assert actual["marker"]["symbol"] == ["circle", "circle", "circle-open"]
    assert actual["text"] == ["78.0%", "", "84.2%(暂)"]


def test_town_bars_take_their_status_colour_only_when_judged():
    judged = [{"label": "甲镇", "value": 90.0, "reported": 3, "expected": 3, "status": "met"},
              {"label": "乙镇", "value": 70.0, "reported": 3, "expected": 3, "status": "not_met"}]
    plain = [{k: v for k, v in r.items() if k != "status"} for r in judged]
    fig = figures.breakdown_figure(judged, title="", unit="%", decimals=1, goal=None)
    assert fig["data"][0]["marker"]["color"] == [STATUS_COLOURS["met"], STATUS_COLOURS["not_met"]]
    fig = figures.breakdown_figure(plain, title="", unit="%", decimals=1, goal=None)
    assert fig["data"][0]["marker"]["color"] == [figures.ACTUAL, figures.ACTUAL]


def test_figures_carry_no_plotly_template():
    fig = figures.trend_figure(TREND)
    assert "template" not in fig["layout"]
    assert len(json.dumps(fig)) < 3000  # the default template alone is ~7 KB


GOAL = {"year": 2021, "comparator": "gte", "value": 86.0, "low": None, "high": None, "display": "≥86%"}
EVERY_BUILDER = [
    lambda: figures.trend_figure(TREND),
    lambda: figures.for_projector(figures.trend_figure(TREND, title="")),
    lambda: figures.trend_figure({**TREND, "goals": [{**GOAL, "comparator": "range", "low": 5.0, "high": 7.0}]}),
    lambda: figures.breakdown_figure([{"label": "甲", "value": 1.0, "reported": 1, "expected": 1}], title="t",
                                     unit="%", decimals=1, goal=GOAL),
    lambda: figures.spread_figure({"n": 3, "min": 1.0, "q1": 2.0, "median": 3.0, "q3": 4.0, "max": 5.0,
                                   "mean": 3.0}, title="t", unit="%", goal=GOAL),
    lambda: figures.heatmap_figure({"departments": ["教体局"], "years": [2019], "share": [[50.0]],
                                    "text": [["1/2"]]}, title="t"),
    lambda: figures.progress_figure([{"label": "工程一", "total": 2, "done": 1}], title="t"),
    lambda: figures.completeness_figure([{"town": "甲", "approved": 1}], label_key="town", title="t"),
]


@pytest.mark.parametrize("build", EVERY_BUILDER)
def test_every_builder_output_is_a_valid_plotly_figure(build):
    # builders write plain dicts for speed; plotly's own validator checks every property name and value
    fig = build()
    go.Figure(fig)
    json.dumps(fig)


def test_range_target_is_drawn_as_a_band():
    trend = {**TREND, "goals": [{"year": y, "comparator": "range", "value": None, "low": 5.0, "high": 7.0,
                                 "display": "5–7所"} for y in (2020, 2021)]}
    high, low, _actual = figures.trend_figure(trend)["data"]
    assert high["y"] == [7.0, 7.0] and low["y"] == [5.0, 5.0]
    assert low["fill"] == "tonexty"


def test_breakdown_skips_units_without_value_and_draws_the_target():
    rows = [{"label": "林荫街道", "value": 97.5, "reported": 1, "expected": 1},
            {"label": "泊尔江海子镇", "value": None, "reported": 0, "expected": 1}]
    goal = {"year": 2021, "comparator": "gte", "value": 86.0, "low": None, "high": None, "display": "≥86%"}
    fig = figures.breakdown_figure(rows, title="按镇/街道", unit="%", decimals=1, goal=goal)
    bar = fig["data"][0]
    assert bar["x"] == ["林荫街道"] and bar["y"] == [97.5] and bar["text"] == ["97.5%"]
    assert fig["layout"]["shapes"][0]["y0"] == 86.0


def test_spread_uses_precomputed_quartiles():
    stats = {"n": 5, "min": 1.0, "q1": 2.0, "median": 3.0, "q3": 4.0, "max": 5.0, "mean": 3.0}
    box = figures.spread_figure(stats, title="分布", unit="%", goal=None)["data"][0]
    assert (box["q1"], box["median"], box["q3"]) == ([2.0], [3.0], [4.0])


def test_heatmap_writes_done_over_total_in_each_cell():
    heatmap = {"departments": ["教体局", "财政局"], "years": [2019, 2020], "share": [[50.0, None], [100.0, 0.0]],
               "text": [["1/2", ""], ["1/1", "0/1"]]}
    trace = figures.heatmap_figure(heatmap, title="完成率")["data"][0]
    assert trace["z"] == [[50.0, None], [100.0, 0.0]] and trace["text"] == [["1/2", ""], ["1/1", "0/1"]]


def test_progress_bars_are_shares_of_items_done():
    fig = figures.progress_figure([{"label": "工程一", "total": 4, "done": 1}, {"label": "工程二", "total": 0,
                                                                             "done": 0}], title="进度")
    assert fig["data"][0]["x"] == [25.0, 0]
    assert fig["data"][0]["text"][0] == "25% (1/4)"


@pytest.mark.parametrize("status", ["approved", "not_started"])
def test_completeness_stacks_each_status(status):
    rows = [{"town": "林荫街道", "approved": 3, "not_started": 2}]
    fig = figures.completeness_figure(rows, label_key="town", title="进度")
    names = [t["name"] for t in fig["data"]]
    trace = fig["data"][[s for s, _ in figures.COMPLETENESS_PARTS].index(status)]
    assert len(names) == 6 and trace["y"] == [rows[0][status]]


@pytest.mark.parametrize("margin, unit, text", [
    (1.9, "%", "高出1.9个百分点"),
    (-2.7, "%", "低于目标2.7个百分点"),
    (0.0039, "%", "高出0.004个百分点"),  # never 「高出0.0」 for a real, small margin
    (0, "%", "与目标持平"),
    (-21, "所", "低于目标21.0所"),
    (None, "%", ""),
])
def test_margin_text_says_how_far_from_the_goal(margin, unit, text):
    from reports.formatting import margin_text

    assert margin_text(margin, unit, 1) == text


def test_progress_share_rounds_like_the_tables():
    # 13 of 23 done is 56.52%: 57% on the bars, as percent_of writes it in the tables
    from reports.templatetags.reports_tags import percent_of

    fig = figures.progress_figure([{"label": "残联", "total": 23, "done": 13}], title="进度")
    assert fig["data"][0]["text"][0].startswith(percent_of(13, 23))


def test_heatmap_runs_from_red_behind_to_green_done():
    heatmap = {"departments": ["教体局"], "years": [2019], "share": [[0.0]], "text": [["0/1"]]}
    scale = figures.heatmap_figure(heatmap, title="")["data"][0]["colorscale"]
    low, high = scale[0][1], scale[-1][1]
    assert int(low[1:3], 16) > int(low[3:5], 16)  # more red than green at 0%
    assert int(high[3:5], 16) > int(high[1:3], 16)  # more green than red at 100%
