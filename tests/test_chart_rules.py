"""Charts a leader reads at a glance (issue 12), checked on the figure dicts: the status palette with the status
word always beside the colour, the heatmap from red (behind) to green (done), axes from zero for counts and
shares, whole-number ticks for counts, no box plot where schools do not vary, no single-bar town chart in the
meeting, and trend charts with a provisional point and the target of every year."""
import plotly.graph_objects as go
import pytest

from reports import figures, meeting_figures, print_report
from reports.formatting import STATUS_COLOURS, STATUS_LABELS
from reports.slides import target_slides

GOALS = [{"year": y, "comparator": "gte", "value": v, "low": None, "high": None, "display": f"≥{v:g}%"}
         for y, v in [(2019, 80.0), (2020, 83.0), (2021, 86.0)]]
SHARE = {"indicator": "puhui", "name": "普惠性幼儿园覆盖率", "unit": "%", "decimals": 1, "years": [2019, 2020, 2021],
         "actual": [78.0, 84.5, 84.2], "provisional": [False, False, True], "goals": GOALS}
COUNT = {"indicator": "new_kg", "name": "新建幼儿园", "unit": "所", "decimals": 0, "years": [2019, 2020, 2021],
         "actual": [1.0, 2.0, 3.0], "provisional": [False, False, False],
         "goals": [{"year": y, "comparator": "gte", "value": 2.0, "low": None, "high": None, "display": "≥2所"}
                   for y in (2019, 2020, 2021)]}


def _hex_rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))


def test_status_palette_reads_green_amber_red_grey():
    red_green = {status: _hex_rgb(colour) for status, colour in STATUS_COLOURS.items()}
    r, g, b = red_green["met"]
    assert g > r and g > b  # 达标 green
    r, g, b = red_green["close"]
    assert r > g > b  # 接近 amber
    r, g, b = red_green["not_met"]
    assert r > g and r > b  # 未达标 red
    r, g, b = red_green["incomplete"]
    assert max(r, g, b) - min(r, g, b) < 30  # 数据未齐 grey


def test_town_bars_say_the_status_word_beside_the_colour():
    rows = [{"label": "甲镇", "value": 90.0, "reported": 3, "expected": 3, "status": "met"},
            {"label": "乙镇", "value": 84.5, "reported": 3, "expected": 3, "status": "close"},
            {"label": "丙镇", "value": 70.0, "reported": 3, "expected": 3, "status": "not_met"},
            {"label": "丁镇", "value": 60.0, "reported": 1, "expected": 3, "status": "incomplete"}]
    for fig in (figures.breakdown_figure(rows, title="", unit="%", decimals=1, goal=GOALS[-1]),
                meeting_figures.towns(rows, unit="%", decimals=1, goal=GOALS[-1])):
        bars = fig["data"][0]
        for row, colour, text in zip(rows, bars["marker"]["color"], bars["text"], strict=True):
            assert colour == STATUS_COLOURS[row["status"]] and str(STATUS_LABELS[row["status"]]) in text
        go.Figure(fig)


def test_heatmaps_run_from_red_behind_to_green_done():
    heat = {"departments": ["教体局"], "years": [2019], "share": [[0.0]], "text": [["0/1"]]}
    for scale in (figures.heatmap_figure(heat, title="")["data"][0]["colorscale"],
                  meeting_figures.heatmap(heat)["data"][0]["colorscale"]):
        r, g, _b = _hex_rgb(scale[0][1])
        assert r > g
        r, g, _b = _hex_rgb(scale[-1][1])
        assert g > r


@pytest.mark.parametrize("build", [
    lambda: figures.trend_figure(SHARE),
    lambda: figures.trend_figure(COUNT),
    lambda: print_report.print_trend(SHARE, title="t"),
    lambda: meeting_figures.trend(SHARE),
    lambda: figures.breakdown_figure([{"label": "甲", "value": 90.0, "reported": 1, "expected": 1},
                                      {"label": "乙", "value": 80.0, "reported": 1, "expected": 1}],
                                     title="", unit="%", decimals=1, goal=None),
    lambda: figures.completeness_figure([{"town": "甲", "approved": 3, "draft": 1}], label_key="town", title=""),
])
def test_counts_and_shares_start_at_zero(build):
    axis = build()["layout"]["yaxis"]
    assert axis.get("rangemode") == "tozero" or axis["range"][0] == 0


def test_share_trend_leaves_room_above_the_top_label():
    axis = figures.trend_figure(SHARE)["layout"]["yaxis"]
    assert axis["range"][0] == 0 and axis["range"][1] > 86.0 * 1.1


@pytest.mark.parametrize("build", [
    lambda: figures.trend_figure(COUNT),
    lambda: figures.breakdown_figure([{"label": "甲", "value": 3.0, "reported": 1, "expected": 1},
                                      {"label": "乙", "value": 1.0, "reported": 1, "expected": 1}],
                                     title="", unit="所", decimals=0, goal=None),
    lambda: figures.completeness_figure([{"town": "甲", "approved": 3, "draft": 1}], label_key="town", title=""),
])
def test_counts_get_whole_number_ticks(build):
    axis = build()["layout"]["yaxis"]
    assert axis["tickformat"] == ",d" and axis["dtick"] == 1  # no 「2.5所」


def test_shares_keep_their_decimals():
    assert figures.trend_figure(SHARE)["layout"]["yaxis"].get("tickformat") != ",d"


def test_school_spread_only_where_schools_vary():
    varied = {"n": 5, "min": 60.0, "q1": 70.0, "median": 80.0, "q3": 90.0, "max": 100.0, "mean": 80.0}
    assert figures.spread_figure(varied, title="", unit="%", goal=None)
    same = {**varied, "min": 100.0, "q1": 100.0, "median": 100.0, "q3": 100.0, "max": 100.0, "mean": 100.0}
    assert figures.spread_figure(same, title="", unit="%", goal=None) is None
    assert figures.spread_figure({**varied, "n": 1}, title="", unit="%", goal=None) is None


def test_meeting_draws_no_single_bar_town_chart():
    card = {"indicator": "puhui", "measure": "puhui", "programme": 1, "year": 2021, "name": "普惠", "actual": 84.2,
            "unit": "%", "decimals": 1, "goal": GOALS[-1], "status": "close", "margin": -1.8, "provisional": False,
            "schools_reported": 2, "schools_expected": 2, "approximate": False}
    one_town = {"indicator": {"code": "puhui"}, "scope": "town", "goal": GOALS[-1],
                "breakdowns": {"town": [{"label": "甲镇", "value": 90.0, "status": "met"},
                                        {"label": "乙镇", "value": None}]}}
    payload = {"overview": {"cards": [card], "trends": [SHARE]}, "indicators": [one_town], "programmes": {}}
    assert [s["kind"] for s in target_slides(payload)] == ["target"]
    one_town["breakdowns"]["town"][1]["value"] = 70.0
    assert [s["kind"] for s in target_slides(payload)] == ["target", "towns"]


def test_trend_draws_a_provisional_point_and_the_target_of_every_year():
    fig = print_report.print_trend(SHARE, title="普惠")
    goal = next(t for t in fig["data"] if t.get("name") == "目标")
    actual = next(t for t in fig["data"] if t.get("name") == "实际")
    assert goal["x"] == ["2019", "2020", "2021"] and goal["y"] == [80.0, 83.0, 86.0]
    assert goal["text"] == ["目标≥80%", "目标≥83%", "目标≥86%"] and "text" in goal["mode"]
    assert actual["marker"]["symbol"][-1] == "circle-open" and actual["text"][-1].endswith("(暂)")
    go.Figure(fig)


def test_print_charts_fit_the_a4_text_block():
    fig = print_report.print_trend(COUNT, title="t")
    assert fig["layout"]["width"] == print_report.CHART_WIDTH and fig["layout"]["autosize"] is False
    go.Figure(fig)


def test_actual_and_target_labels_of_a_year_never_print_over_each_other():
    # 2019: 78 below ≥80 (actual's label below, the target's above); 2020: 84.5 above ≥83 (the other way round)
    for fig in (print_report.print_trend(SHARE, title="t"), meeting_figures.trend(SHARE)):
        goal = next(t for t in fig["data"] if t.get("name") == "目标")
        actual = next(t for t in fig["data"] if t.get("name") == "实际")
        assert actual["textposition"][:2] == ["bottom center", "top center"]
        assert goal["textposition"][:2] == ["top center", "bottom center"]
