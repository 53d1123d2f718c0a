"""The forecast and progress status: pure functions, tables of cases."""
import pytest

from indicators import forecast

YEARS = [2019, 2020, 2021, 2022]


def test_damped_trend_continues_the_recent_slope_and_slows_down():
    result = forecast.project(YEARS[:3], [80.0, 82.5, 84.0], until=2023)  # slope 2, changes 2.5 and 1.5
    assert result.years == [2022, 2023]
    assert result.values[0] == pytest.approx(84 + 2 * 0.8)
    assert result.values[1] == pytest.approx(84 + 2 * (0.8 + 0.64))
    assert result.low[0] < result.values[0] < result.high[0]
    assert result.high[1] - result.low[1] > result.high[0] - result.low[0]  # wider further out


def test_shares_stay_within_0_and_100():
    result = forecast.project(YEARS[:3], [96.0, 98.0, 99.5], until=2024, bounded=True)
    assert max(result.values + result.high) <= 100.0


def test_too_few_points_give_no_forecast():
    assert forecast.project(YEARS, [None, None, 90.0, None], until=2022) is None


@pytest.mark.parametrize("values, target, higher, status", [
    ([80.0, 82.0, 84.0, None], 86.0, True, "on_track"),  # needs +2 a year, has done +2
    ([80.0, 82.0, 83.5, None], 86.0, True, "accelerate"),  # needs +2.5, does +1.75: ratio 0.7
    ([80.0, 81.0, 82.0, None], 86.0, True, "off_track"),  # needs +4, does +1: ratio 0.25
    ([84.0, 83.0, 82.0, None], 86.0, True, "off_track"),  # going the wrong way
    ([90.0, 88.0, 87.0, None], 86.0, True, "achieved"),
    ([6.0, 5.6, 5.2, None], 5.0, False, "on_track"),  # lower is better: does −0.4 a year, needs −0.2
    ([None, None, 84.0, None], 86.0, True, "insufficient"),
])
def test_progress_status_compares_the_pace_seen_with_the_pace_needed(values, target, higher, status):
    result = forecast.progress(years=YEARS, values=values, target=target, target_year=2022, higher_is_better=higher)
    assert result["status"] == status


def test_progress_reports_the_yearly_change_needed_and_seen():
    result = forecast.progress(years=YEARS, values=[80.0, 81.0, 82.0, None], target=86.0, target_year=2022)
    assert result["required"] == pytest.approx(4.0) and result["observed"] == pytest.approx(1.0)


def test_backtest_pools_one_step_ahead_errors_against_naive():
    steady = (YEARS, [80.0, 82.0, 84.0, 86.0])  # a straight line: the trend beats "same as last year"
    result = forecast.backtest([steady])
    assert result["n"] == 2
    assert result["mae_naive"] == pytest.approx(2.0)
    assert result["mae_method"] < result["mae_naive"]


# The outlook on a card never contradicts the card's verdict (reports.selectors.outlook).
def _outlook(values, *, status, goal="85", comparator="gte", direction="higher"):
    from decimal import Decimal
    from types import SimpleNamespace

    from plans.models import AnnualTarget
    from reports.selectors.outlook import outlook

    target = AnnualTarget(year=2022, comparator=comparator, value=Decimal(goal))
    rows = {y: {"value": v, "schools_reported": r, "schools_expected": 10}
            for y, (v, r) in zip(YEARS, values, strict=True) if v is not None}
    return outlook(target=target, indicator=SimpleNamespace(unit="%", direction=direction), years=YEARS,
                   values=rows, status=status)


def test_outlook_never_says_met_beside_a_provisional_miss():
    # 建设镇 普惠覆盖率: 2021 met the goal, 2022 (暂) 69.8% 未达标 — not 「✔ 已达标 · 预计2022年 88.0%」
    result = _outlook([(80.0, 10), (86.0, 10), (88.0, 10), (69.8, 6)], status="not_met")
    assert result["status"] is None


def test_outlook_without_a_figure_for_the_year_says_on_course_not_met():
    # 韩台 幼儿园: 2022 无数据 beside earlier years at the goal reads 「按当前进度可达标」, never 「已达标」
    result = _outlook([(None, 0), (90.0, 10), (95.0, 10), (None, 0)], status="no_data")
    assert result["status"] == forecast.ON_COURSE and result["forecast"] >= 85


def test_outlook_of_an_earlier_year_at_the_goal_falling_below_it_is_off_track():
    result = _outlook([(95.0, 10), (90.0, 10), (85.5, 10), (None, 0)], status="no_data")
    assert result["status"] == forecast.OFF_TRACK and result["forecast"] < 85


def test_outlook_of_a_provisional_figure_that_meets_is_met_without_a_projection():
    # 近视新增发病率 2022 (暂) 4.7% ✔ 达标: not 「↘ 进展缓慢或倒退 · 预计2022年 5.3%」
    result = _outlook([(6.5, 10), (6.0, 10), (5.8, 10), (4.7, 7)], status="met", goal="5", comparator="lte",
                      direction="lower")
    assert result["status"] == forecast.ACHIEVED and result["forecast"] is None and result["required"] is None


def test_outlook_of_a_partial_sum_still_open_keeps_its_forecast():
    # 毛入园率 数据未齐: the year's figure is not known yet, the trend still speaks
    result = _outlook([(80.0, 10), (82.0, 10), (84.0, 10), (60.0, 5)], status="incomplete", goal="86")
    assert result["status"] == forecast.ON_COURSE and result["forecast"] is not None
