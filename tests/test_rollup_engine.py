"""The rollup's arithmetic on a small fixture whose every figure is computed by hand below."""
from decimal import Decimal

import pandas as pd
import pytest

from indicators.formula import parse
from indicators.rollup.engine import IndicatorSpec, compute, to_scaled
from indicators.rollup.school_values import own_values

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
    """The stored value (a Decimal to six places) as a float, None for no value."""
    found = result.loc[(indicator, level, key), "value"]
    return None if found is None else float(found)


def own(code: str) -> dict:
    """A school's figures as the loader gives them: code → integer of 1/10,000, reported ones only."""
    row = VALUES.loc[SCHOOLS.set_index("code").loc[code, "id"]] if code != "E" else pd.Series(dtype=float)
    return {c: to_scaled(v) for c, v in row.items() if not pd.isna(v)}


def school_value(spec, code):
    _, _, values, reported = own_values(spec, sorted(spec.codes), [own(code)])
    return values[0], int(reported[0])


def test_school_values_are_the_schools_own_figures_through_the_formula():
    assert school_value(SHARE, "A") == (Decimal("90.000000"), 1)
    assert school_value(SHARE, "B") == (Decimal("50.000000"), 1)
    assert school_value(SHARE, "C") == (Decimal("100.000000"), 1)


def test_zero_denominator_is_no_value_not_zero():
    assert school_value(SHARE, "D") == (None, 1)


def test_school_that_reported_nothing_has_no_value_but_is_expected():
    assert school_value(SHARE, "E") == (None, 0)


def test_schools_are_not_stored(result):
    assert "school" not in set(result.index.get_level_values("level"))


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
    assert value(result, "enrol", "town", "t2") is None


def test_district_only_figure_has_only_a_district_row(result):
    assert value(result, "groups", "district", "district") == 4
    assert set(result.loc["groups"].index.get_level_values("level")) == {"district"}


def test_missing_district_denominator_is_no_value():
    frame = compute(values=VALUES, schools=SCHOOLS, district_values={}, district_codes={"pop"},
                    indicators=[ENROL], labels={})
    row = frame[(frame.level == "district")].iloc[0]
    assert row["value"] is None and row["numerator"] == pytest.approx(12000)


def test_cross_breakdowns_town_by_type_and_ownership_by_type(result):
    # t2 primary: only D (0 of 0 teachers: no value) and E (nothing reported) → no value; t2 junior: C alone
    assert value(result, "share", "town_type", "t2/junior") == pytest.approx(100)
    assert value(result, "share", "town_type", "t1/primary") == pytest.approx(60)
    assert result.loc[("share", "town_type", "t2/primary"), "schools_expected"] == 2
    assert value(result, "share", "ownership_type", "public/primary") == pytest.approx(90)  # A 9/10 + D 0/0
    assert result.loc[("share", "town_type", "t1/primary"), "unit_label"] == "一街道·primary"
    # each cross level adds up to its parent: the sums of t1/primary + t2/primary + t2/junior = the district's
    sums = [result.loc[("share", "town_type", k), "sums"] for k in ("t1/primary", "t2/primary", "t2/junior")]
    district = result.loc[("share", "district", "district"), "sums"]
    assert {c: sum(s[c] for s in sums) for c in district} == district


def test_large_money_sums_keep_every_digit():
    # 3 × 123456789012.3456 as floats would lose the last digits; the exact sums keep them
    schools = SCHOOLS.iloc[:3].assign(school_type="primary")
    money = pd.DataFrame({"yuan": [Decimal("123456789012.3456")] * 3}, index=pd.Index([1, 2, 3], name="school_id"))
    total = IndicatorSpec("total", parse("yuan"), None, ("primary",))
    frame = compute(values=money, schools=schools, district_values={}, district_codes=set(), indicators=[total],
                    labels={})
    row = frame[frame.level == "district"].iloc[0]
    assert row["value"] == Decimal("370370367037.036800")
