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
