"""Dashboard payloads read the stored rollup results and the plan, and say what they show."""
import datetime

import pytest

from indicators.models import IndicatorValue
from reports.selectors.actions import actions_payload
from reports.selectors.indicator import indicator_payload
from reports.selectors.overview import overview_payload
from tests import reports_fixtures


@pytest.fixture
def data(cast):
    plan, coverage, myopia = reports_fixtures.build(cast, by=cast.admin)
    return plan, coverage, myopia


def test_overview_counts_statuses_honouring_direction_and_tolerance(data):
    plan, *_ = data
    payload = overview_payload(plan=plan, year=2021)
    cards = {c["measure"]: c for c in payload["cards"]}
    # 84.2 against ≥86 with tolerance 2: close; 6.5 against <5 (lower is better) with tolerance 1: not met
    assert cards["puhui"]["status"] == "close" and cards["puhui"]["margin"] == pytest.approx(-1.8)
    assert cards["myopia"]["status"] == "not_met" and cards["myopia"]["margin"] == pytest.approx(1.5)
    assert payload["summary"] == {"total": 2, "met": 0, "close": 1, "not_met": 1, "incomplete": 0, "no_data": 0}
    assert [u["name"] for u in payload["untracked"]] == ["出台课后服务文件"]


def test_overview_card_carries_coverage_data_time_and_gap_note(data):
    plan, *_ = data
    card = next(c for c in overview_payload(plan=plan, year=2021)["cards"] if c["measure"] == "puhui")
    assert (card["schools_reported"], card["schools_expected"]) == (2, 2)
    assert datetime.datetime.fromisoformat(card["computed_at"]) == reports_fixtures.AS_OF
    assert card["gap_note"] == "两所民办园转普惠的审批延后到次年。"


def test_overview_trend_spans_the_plan_years_with_targets(data):
    plan, *_ = data
    trend = next(t for t in overview_payload(plan=plan, year=2021)["trends"] if t["indicator"] == "puhui")
    assert trend["years"] == [2019, 2020, 2021]
    assert trend["actual"] == [78.0, 84.5, 84.2]
    assert [g["value"] for g in trend["goals"]] == [80.0, 83.0, 86.0]


def test_overview_for_one_town_reads_that_towns_values(cast, data):
    plan, *_ = data
    payload = overview_payload(plan=plan, year=2021, unit=("town", cast.town_a.code))
    card = next(c for c in payload["cards"] if c["measure"] == "puhui")
    assert card["actual"] == 97.5 and card["status"] == "met"
    assert payload["unit"]["label"] == cast.town_a.name


def test_missing_value_is_no_data_not_zero(data):
    plan, coverage, _ = data
    IndicatorValue.objects.filter(indicator=coverage, year=2021, level="district").update(value=None)
    card = next(c for c in overview_payload(plan=plan, year=2021)["cards"] if c["measure"] == "puhui")
    assert card["actual"] is None and card["status"] == "no_data"


def test_overview_progress_is_share_of_items_done_by_programme_and_department(data):
    plan, *_ = data
    progress = overview_payload(plan=plan, year=2020)["progress"]
    assert progress["programmes"] == [{"label": "(1) 学前教育普及普惠工程", "total": 3, "done": 2}]
    assert {d["label"]: (d["done"], d["total"]) for d in progress["departments"]} == {"教体局": (2, 2),
                                                                                       "财政局": (0, 1)}


def test_indicator_lists_schools_below_target_worst_first(cast, data):
    plan, coverage, _ = data
    payload = indicator_payload(plan=plan, indicator=coverage, year=2021)
    assert [s["key"] for s in payload["below"]] == [cast.school_b.code]
    assert payload["below"][0]["gap"] == pytest.approx(23.5)
    assert payload["spread"]["n"] == 2 and payload["spread"]["min"] == 62.5
    assert {r["label"]: r["value"] for r in payload["breakdowns"]["town"]} == {cast.town_a.name: 97.5,
                                                                               cast.town_b.name: 62.5}


def test_indicator_restricted_to_some_schools_lists_only_those(cast, data):
    plan, coverage, _ = data
    payload = indicator_payload(plan=plan, indicator=coverage, year=2021, school_codes={cast.school_a.code})
    assert payload["below"] == [] and [s["key"] for s in payload["schools"]] == [cast.school_a.code]


def test_actions_heatmap_and_scorecards(data):
    plan, *_ = data
    payload = actions_payload(plan=plan, today=datetime.date(2022, 6, 1))
    heat = payload["heatmap"]
    assert heat["departments"] == ["教体局", "财政局"]
    assert heat["share"][0] == [100.0, 100.0, 0.0] and heat["text"][0] == ["1/1", "1/1", "0/1"]
    cards = {c["department"]: c for c in payload["scorecards"]}
    assert cards["教体局"] == {"department": "教体局", "department_id": cards["教体局"]["department_id"], "total": 3,
                              "done": 2, "in_progress": 0, "not_started": 0, "delayed": 1, "overdue": 1}
    # 滞后 is only the self-reported status; 逾期未完成 is a finished year's item not done, whatever its status
    assert (cards["财政局"]["in_progress"], cards["财政局"]["delayed"], cards["财政局"]["overdue"]) == (1, 0, 1)
    assert payload["overdue_total"] == 2 and payload["delayed_total"] == 1


@pytest.mark.parametrize("comparator,value,low,high", [("gte", 86, None, None), ("gt", 86, None, None),
                                                       ("lte", 5, None, None), ("lt", 5, None, None),
                                                       ("eq", 2, None, None), ("range", None, 5, 7)])
def test_fast_school_check_agrees_with_the_targets_own_rule(comparator, value, low, high):
    from decimal import Decimal

    from plans.models import AnnualTarget
    from reports.selectors.indicator import _met_fast

    target = AnnualTarget(comparator=comparator, value=value, low=low, high=high)
    for actual in [0, 2, 4.999999, 5, 5.5, 7, 7.000001, 85.9, 86, 86.1, 100]:
        assert _met_fast(target)(float(actual)) is target.is_met_by(Decimal(str(actual)))


def test_a_target_linked_to_nothing_is_not_claimed_to_be_tracked_by_items(data):
    from plans.models import AnnualTarget

    plan = data[0]
    AnnualTarget.objects.create(plan=plan, measure="new_measure", name="新建学校", unit="所", year=2021,
                                comparator="gte", value=3)
    payload = overview_payload(plan=plan, year=2021)
    assert [t["name"] for t in payload["untracked"]] == ["出台课后服务文件"]  # its link says: items track it
    assert [t["name"] for t in payload["unlinked"]] == ["新建学校"]  # no link at all: 尚未对应指标


def test_targets_page_states_say_what_is_known(data):
    from plans.models import AnnualTarget
    from plans.selectors_targets import targets_listed

    plan = data[0]
    AnnualTarget.objects.create(plan=plan, measure="new_measure", name="新建学校", unit="所", year=2021,
                                comparator="gte", value=3)
    states = {t.measure: t.link_state for t in targets_listed(plan=plan, year=2021)}
    assert states == {"puhui": "measured", "myopia": "measured", "policy": "tracked", "new_measure": "unlinked"}


def _town_just_below_the_goal(cast, coverage):
    # 85.96% against ≥86% (tolerance 2: 接近), from one of its two schools: 「86.0%」 would read as the goal
    IndicatorValue.objects.filter(indicator=coverage, year=2021, level="town", unit_key=cast.town_b.code).update(
        value="85.96", schools_reported=1, schools_expected=2)


def test_town_rows_keep_enough_decimals_that_a_miss_never_reads_as_the_goal(cast, data):
    plan, coverage, _ = data
    _town_just_below_the_goal(cast, coverage)
    towns = {r["key"]: r for r in indicator_payload(plan=plan, indicator=coverage, year=2021)["breakdowns"]["town"]}
    near, far = towns[cast.town_b.code], towns[cast.town_a.code]
    assert (near["status"], near["decimals"], near["provisional"]) == ("close", 2, True)
    assert (far["status"], far["decimals"], far["provisional"]) == ("met", 1, False)
