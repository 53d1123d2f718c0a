"""The one verdict function: a table, one row per case (GUIDE: "Numbers people trust")."""
from decimal import Decimal

import pytest

from indicators.verdicts import judge, margin_of
from plans.models import AnnualTarget


def _d(number):
    return None if number is None else Decimal(str(number))


def _target(comparator, value=None, low=None, high=None, kind="number"):
    return AnnualTarget(comparator=comparator, value=_d(value), low=_d(low), high=_d(high), kind=kind)


# target, actual, tolerance, reported/expected, additive (count or sum), expected status
CASES = [
    # complete data: direction, tolerance, ranges
    ("lt 5 met", _target("lt", 5), 4, 1, (10, 10), False, "met"),  # 近视新增发病率 < 5%
    ("lt 5 close", _target("lt", 5), 5.5, 1, (10, 10), False, "close"),
    ("lt 5 at the bound", _target("lt", 5), 5, 0, (10, 10), False, "not_met"),
    ("lte 5 at the bound", _target("lte", 5), 5, 0, (10, 10), False, "met"),  # 控制在5%以下
    ("lt 5 far", _target("lt", 5), 8, 1, (10, 10), False, "not_met"),
    ("gte 95 exactly", _target("gte", 95), 95.0, 2, (10, 10), False, "met"),
    ("gte 95 close", _target("gte", 95), 94, 2, (10, 10), False, "close"),
    ("gte 95 far", _target("gte", 95), 90, 2, (10, 10), False, "not_met"),
    ("gt 99.9 at the bound", _target("gt", 99.9), 99.9, 0, (10, 10), False, "not_met"),
    ("range 5-7 inside", _target("range", low=5, high=7), 6, 0, (10, 10), True, "met"),
    ("range 5-7 above", _target("range", low=5, high=7), 8, 0, (10, 10), True, "not_met"),
    ("new kindergartens ≥2, 2 built", _target("gte", 2), 2, 0, (10, 10), True, "met"),
    ("no figure", _target("gte", 2), None, 0, (0, 10), True, "no_data"),
    # incomplete coverage of a count: a verdict that could still change is 数据未齐, never ✘
    ("count short, 55/80 reported", _target("gte", 32), 11, 0, (55, 80), True, "incomplete"),
    ("count already reached, 55/80", _target("gte", 32), 33, 0, (55, 80), True, "met"),
    ("count ≤ already exceeded, 55/80", _target("lte", 10), 12, 0, (55, 80), True, "not_met"),
    ("count ≤ still under, 55/80", _target("lte", 10), 8, 0, (55, 80), True, "incomplete"),
    ("count = not yet past, 5/8", _target("eq", 3), 2, 0, (5, 8), True, "incomplete"),
    ("count = already past, 5/8", _target("eq", 3), 4, 0, (5, 8), True, "not_met"),
    ("range not yet past top, 5/8", _target("range", low=5, high=7), 6, 0, (5, 8), True, "incomplete"),
    ("count complete and short", _target("gte", 32), 30, 0, (80, 80), True, "not_met"),
    ("bureau's own count (no school reports it)", _target("gte", 5), 4, 0, (0, 0), True, "not_met"),
    # a ratio over reporting schools keeps its verdict; only its coverage is flagged
    ("ratio partial, met", _target("gte", 86), 87.9, 2, (55, 80), False, "met"),
    ("ratio partial, not met", _target("gte", 86), 70, 2, (55, 80), False, "not_met"),
    # target kinds (issue 13). 「不低于1:2000」 is stored as ≤ 2000 students per teacher
    ("1:2000 floor, 1:1850 measured", _target("lte", 2000, kind="ratio"), 1850, 100, (10, 10), False, "met"),
    ("1:2000 floor, exactly 1:2000", _target("lte", 2000, kind="ratio"), 2000, 100, (10, 10), False, "met"),
    ("1:2000 floor, 1:2080 within 100", _target("lte", 2000, kind="ratio"), 2080, 100, (10, 10), False, "close"),
    ("1:2000 floor, 1:2600", _target("lte", 2000, kind="ratio"), 2600, 100, (10, 10), False, "not_met"),
    ("1:2000 floor, partial coverage keeps its verdict", _target("lte", 2000, kind="ratio"), 1850, 0, (6, 10), False,
     "met"),
    ("5 new schools, 5 built", _target("gte", 5, kind="count"), 5, 0, (0, 0), True, "met"),
    ("5 new schools, 3 built, all reported", _target("gte", 5, kind="count"), 3, 2, (10, 10), True, "close"),
    ("≥500万元, 480万元 so far, 6/10 reported", _target("gte", 500, kind="money"), 480, 0, (6, 10), True,
     "incomplete"),
    ("≥500万元, 520万元", _target("gte", 500, kind="money"), 520, 0, (10, 10), True, "met"),
    ("milestone done", _target("gte", 1, kind="milestone"), 1, 0, (0, 0), False, "met"),
    ("milestone done (True)", _target("gte", 1, kind="milestone"), True, 0, (0, 0), False, "met"),
    ("milestone not done, no 接近 whatever the tolerance", _target("gte", 1, kind="milestone"), 0, 1, (0, 0), False,
     "not_met"),
    ("milestone not yet reported", _target("gte", 1, kind="milestone"), None, 0, (0, 0), False, "no_data"),
]


@pytest.mark.parametrize("name, target, actual, tolerance, coverage, additive, expected", CASES,
                         ids=[c[0] for c in CASES])
def test_verdict_table(name, target, actual, tolerance, coverage, additive, expected):
    reported, expected_schools = coverage
    verdict = judge(target=target, actual=actual, tolerance=tolerance, reported=reported,
                    expected=expected_schools, additive=additive)
    assert verdict.status == expected
    assert verdict.provisional == (0 < expected_schools and reported < expected_schools)
    assert (verdict.margin is None) == (expected in ("incomplete", "no_data") or
                                        (target.comparator == "range" and expected == "met"))


@pytest.mark.parametrize("target, actual, margin", [
    (_target("gte", 86), Decimal("87.9"), 1.9),  # 「+1.9个百分点」, not ±0.0
    (_target("gte", 86), Decimal("84.5"), -1.5),
    (_target("lt", 5), Decimal("3.2"), -1.8),
    (_target("range", low=5, high=7), Decimal(8), 1.0),
    (_target("range", low=5, high=7), Decimal(4), -1.0),
    (_target("range", low=5, high=7), Decimal(6), None),
    (_target("gte", 86), None, None),
])
def test_margin_is_the_distance_to_the_goal_edge_met_or_not(target, actual, margin):
    result = margin_of(target, actual)
    assert result == (None if margin is None else pytest.approx(margin))


def test_approximate_link_travels_with_the_verdict():
    verdict = judge(target=_target("gte", 30), actual=100, approximate=True, note="专职 vs 专兼职")
    assert verdict.status == "met" and verdict.approximate and verdict.note == "专职 vs 专兼职"


@pytest.mark.parametrize("year, match_years, approximate", [
    (2022, [2022], True),  # 2022 「专职」: the 专兼职 figure only approximates it
    (2021, [2022], False),  # 2021 「专兼职」: the same figure measures it exactly — no 2022 note on it
    (2021, [], True),  # no years named: every year
])
def test_approximation_note_shows_only_in_the_years_it_concerns(year, match_years, approximate):
    from types import SimpleNamespace

    from indicators.models import TargetLink
    from indicators.verdicts import judge_with_link

    link = TargetLink(match="approximate", match_note="2022年目标要求配备“专职”", match_years=match_years, tolerance=2)
    target = AnnualTarget(year=year, comparator="gte", value=Decimal(30))
    verdict = judge_with_link(target=target, link=link, indicator=SimpleNamespace(is_partial_sum=False),
                              row={"value": 100, "schools_reported": 10, "schools_expected": 10})
    assert verdict.approximate is approximate and bool(verdict.note) is approximate


@pytest.mark.django_db
def test_loader_marks_indicators_that_grow_as_schools_report():
    # 毛入园率 = school figure ÷ district population: a partial value only grows, like a count
    from indicators.models import Indicator
    from indicators.services.definitions import DEFAULT_FILE, definitions_load, definitions_read

    definitions_load(data=definitions_read(DEFAULT_FILE))
    grows = dict(Indicator.objects.values_list("code", "grows_with_reports"))
    assert grows["preschool_gross_enrolment_rate"] is True
    assert grows["model_kindergartens"] is True  # a count
    assert grows["puhui_kindergarten_coverage"] is False  # a ratio of two school sums


def test_readme_states_the_reviewed_link_counts():
    import json
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    definitions = root / "indicators/data/dongsheng_definitions.json"
    links = json.loads(definitions.read_text(encoding="utf-8"))["target_links"]
    measured = [link for link in links if link["indicator"]]
    approximate = [link for link in measured if link.get("match") == "approximate"]
    assert all(link.get("match_note") for link in approximate)
    readme = (root / "README.md").read_text(encoding="utf-8")
    said = re.search(r"All (\d+) target links were reviewed .*?: (\d+) measured \((\d+) approximate\), (\d+) tracked",
                     readme, re.S)
    assert said, "README no longer states the link review"
    assert tuple(map(int, said.groups())) == (len(links), len(measured), len(approximate),
                                              len(links) - len(measured))
