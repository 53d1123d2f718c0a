"""The rollup's arithmetic on a small fixture whose every figure is computed by hand below."""
import math

import pandas as pd
import pytest

from indicators.formula import parse
from indicators.rollup.engine import IndicatorSpec, compute

SCHOOLS = pd.DataFrame(
    [
        # id, code, name, type, ownership, urban, minority, town
        (1, "A", "甲小学", "primary", "public", True, False, "t1", "一街道"),
        (2, "B", "乙小学", "primary", "private", False, True, "t1", "一街道"),
        (3, "C", "丙中学", "junior", "public", True, False, "t2", "二镇"),
        (4, "D", "丁小学", "primary", "public", False, False, "t2", "二镇"),
        (5, "E", "戊小学", "primary", "public", True, False, "t2", "二镇"),  # reported nothing
        (6, "K", "己幼儿园", "kindergarten", "public", True, False, "t2", "二镇"),
    ],
    columns=["id", "code", "name", "school_type", "ownership", "is_urban", "is_minority_language", "town_code",
             "town_name"],
)
VALUES = pd.DataFrame(
    {"teachers": [10, 30, 20, 0, None], "bachelor": [9, 15, 20, 0, None], "new_flag": [1, 0, 1, 0, None],
     "kids": [None, None, None, None, None]},
    index=pd.Index([1, 2, 3, 4, 6], name="school_id"),
)
VALUES.loc[6, "kids"] = 120
SHARE = IndicatorSpec("share", parse("bachelor * 100"), parse("teachers"), ("primary", "junior"))
COUNT = IndicatorSpec("count", parse("new_flag"), None, ("primary", "junior"))
ENROL = IndicatorSpec("enrol", parse("kids * 100"), parse("pop"), ("kindergarten",))
GROUPS = IndicatorSpec("groups", parse("group_count"), None, ())


@pytest.fixture(scope="module")
def result():
    frame = compute(values=VALUES, schools=SCHOOLS, district_values={"pop": 200.0, "group_count": 4.0},
                    district_codes={"pop", "group_count"}, indicators=[SHARE, COUNT, ENROL, GROUPS], labels={})
    return frame.set_index(["indicator", "level", "unit_key"])


def value(result, indicator, level, key):
    return result.loc[(indicator, level, key), "value"]


def test_school_values(result):
    assert value(result, "share", "school", "A") == pytest.approx(90)
    assert value(result, "share", "school", "B") == pytest.approx(50)
    assert value(result, "share", "school", "C") == pytest.approx(100)


def test_zero_denominator_is_no_value_not_zero(result):
    assert math.isnan(value(result, "share", "school", "D"))


def test_school_that_reported_nothing_has_no_value_but_is_expected(result):
    row = result.loc[("share", "school", "E")]
    assert math.isnan(row["value"]) and (row["schools_expected"], row["schools_reported"]) == (1, 0)


def test_town_is_a_ratio_of_sums_not_an_average_of_ratios(result):
    # t1: (9 + 15) / (10 + 30) = 60%, while the mean of 90% and 50% would be 70%.
    assert value(result, "share", "town", "t1") == pytest.approx(60)
    row = result.loc[("share", "town", "t2")]
    assert row["value"] == pytest.approx(100) and (row["schools_expected"], row["schools_reported"]) == (3, 2)


def test_district_and_breakdowns(result):
    assert value(result, "share", "district", "district") == pytest.approx(44 / 60 * 100)
    assert value(result, "share", "school_type", "primary") == pytest.approx(24 / 40 * 100)
    assert value(result, "share", "school_type", "junior") == pytest.approx(100)
    assert value(result, "share", "ownership", "private") == pytest.approx(50)
    assert value(result, "share", "ownership", "public") == pytest.approx(29 / 30 * 100)
    assert value(result, "share", "area", "rural") == pytest.approx(50)
    assert value(result, "share", "language", "minority") == pytest.approx(50)
    assert result.loc[("share", "district", "district"), "schools_expected"] == 5  # the kindergarten is not covered


def test_count_indicator_is_a_count(result):
    assert value(result, "count", "district", "district") == 2
    assert value(result, "count", "town", "t2") == 1


def test_district_only_denominator_gives_a_district_value_only(result):
    assert value(result, "enrol", "district", "district") == pytest.approx(60)
    assert math.isnan(value(result, "enrol", "town", "t2"))


def test_district_only_figure_has_no_school_rows(result):
    assert value(result, "groups", "district", "district") == 4
    assert ("groups", "school", "A") not in result.index


def test_missing_district_denominator_is_no_value():
    frame = compute(values=VALUES, schools=SCHOOLS, district_values={}, district_codes={"pop"},
                    indicators=[ENROL], labels={})
    row = frame[(frame.level == "district")].iloc[0]
    assert math.isnan(row["value"]) and row["numerator"] == pytest.approx(12000)
