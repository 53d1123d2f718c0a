"""「优质均衡创建」's trend charts: the largest 差异系数 by year against its maximum, the schools meeting the rule by
year — from zero, status in words beside the colour, whole-number ticks for counts, and the same figures as the
page's year table. The English page's reasons and 「还需」 name the indicators in English."""
import json
import re

import plotly.graph_objects as go
import pytest

from reports import figures
from reports.formatting import STATUS_COLOURS
from reports.selectors.balance import balance_payload
from tests.test_balance_page import URL, district  # noqa: F401 (the page's fixture)

CV = {"years": [2019, 2020, 2021], "cv": [0.482, 0.521, 0.44], "indicator": ["体育运动场馆"] * 3,
      "provisional": [False, False, True], "cv_max": 0.5}
SCHOOLS = {"years": [2019, 2020, 2021], "passing": [2, 3, 1], "failing": [1, 0, 1], "missing": [0, 0, 2]}


def test_cv_chart_draws_the_largest_cv_of_each_year_against_the_maximum_from_zero():
    fig = figures.balance_cv_figure(CV, title="")
    go.Figure(fig)
    limit, points, flagged = fig["data"]
    assert limit["y"] == [0.5, 0.5, 0.5] and limit["line"]["dash"] == "dash"
    assert fig["layout"]["annotations"][0]["text"] == "上限 0.50"
    assert fig["layout"]["yaxis"]["range"][0] == 0 and fig["layout"]["yaxis"]["range"][1] > 0.521
    assert points["text"][1].startswith("0.521 ✘") and "✘" not in points["text"][0]
    # the red year is named in words too, as the page's table names it
    assert flagged["x"] == ["2020"] and flagged["y"] == [0.521] and flagged["name"] == "✘ 差异系数超标"
    assert flagged["marker"]["color"] == STATUS_COLOURS["not_met"]
    assert points["textposition"] == ["bottom center", "top center", "bottom center"]  # away from the line
    assert "(暂)" in points["text"][2] and points["marker"]["symbol"][2] == "circle-open"
    assert len(figures.balance_cv_figure({**CV, "cv": [0.4, 0.3, None]}, title="")["data"]) == 2


def test_schools_chart_stacks_met_missed_and_missing_with_whole_number_ticks():
    fig = figures.balance_schools_figure(SCHOOLS, title="")
    go.Figure(fig)
    assert [t["name"] for t in fig["data"]] == ["达到学校要求", "未达到学校要求", "数据未齐"]
    assert [t["marker"]["color"] for t in fig["data"]] == [STATUS_COLOURS[s] for s in ("met", "not_met", "incomplete")]
    axis = fig["layout"]["yaxis"]
    assert axis["tickformat"] == ",d" and axis["dtick"] == 1 and axis["rangemode"] == "tozero"
    assert fig["layout"]["barmode"] == "stack"


def _figure(html: str, chart_id: str) -> dict:
    found = re.search(rf'<script id="{chart_id}-data" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def test_page_draws_per_section_the_figures_of_its_year_table(client, cast, district):  # noqa: F811
    client.force_login(cast.leader)
    html = client.get(URL, {"year": 2021}).content.decode()
    trend = {row["section"].code: row["points"] for row in balance_payload(year=2021)["trend"]}
    for code in ("primary", "junior"):
        schools = _figure(html, f"balance-schools-{code}")
        assert schools["data"][0]["y"] == [p["passing"] for p in trend[code]]
        assert schools["data"][2]["y"] == [p["expected"] - p["reported"] for p in trend[code]]
        cv = _figure(html, f"balance-cv-{code}")
        largest = [max((c for c, _ok in p["cv_pairs"] if c is not None), default=None) for p in trend[code]]
        assert cv["data"][1]["y"] == largest
    assert 'src="/static/vendor/plotly.min.js"' in html


@pytest.mark.parametrize("language, words", [
    ("zh-hans", ["还需增加骨干教师3人", "每百名学生拥有县级及以上骨干教师数仅为标准的50%"]),
    ("en", ["needs 3 人 more county-level or higher key teachers (to 85% of the standard)",
            "County-level or higher key teachers per 100 students is only 50% of the standard"]),
])
def test_reasons_and_needs_read_in_the_pages_language(client, cast, district, language, words):  # noqa: F811
    client.force_login(cast.leader)
    client.cookies["django_language"] = language
    html = client.get(URL, {"year": 2021}).content.decode()
    for word in words:
        assert word in html
