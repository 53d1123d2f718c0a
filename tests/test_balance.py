"""义务教育优质均衡 arithmetic (indicators/balance.py), without a database: one test per rule, and the
published worked example of the 差异系数."""
import json
import math

import numpy as np
import pytest

from indicators.balance import (
    DEFAULT_STANDARDS_FILE,
    EXCLUDED,
    SchoolInput,
    StandardsError,
    school_assess,
    section_assess,
    split_shared,
    standards_read,
    weighted_cv,
)
from indicators.verdicts import CLOSE, INCOMPLETE, MET, NOT_MET

STANDARDS = standards_read()
PRIMARY, JUNIOR = STANDARDS.sections


def school(code="S1", school_type="primary", *, students=None, ratios=None, sections=("primary",), **raw):
    """A school whose every value is ``ratio`` × the standard (default 1.2) of each of its sections; ``raw``
    overrides one element's raw total."""
    ratios = ratios or {}
    students = students or {"primary": 800, "junior": 600}
    values = {}
    for section in STANDARDS.sections:
        if section.code not in sections:
            continue
        n = students[section.code]
        values[section.students_element] = n
        for resource in STANDARDS.indicators:
            standard = float(resource.standards[section.code])
            values[resource.elements[section.code]] = ratios.get(resource.code, 1.2) * standard * n \
                / resource.per_students
    values.update(raw)
    return SchoolInput(code=code, name=f"学校{code}", school_type=school_type, values=values)


# ---------------------------------------------------------------- the published worked example


def test_cv_matches_the_published_worked_example_of_books_per_student():
    # 「县域义务教育校际均衡指标计算方法(以生均图书册数为例)」 (360docs.net/doc/7e8843742.html,
    # m.777doc.com/doc-2019910.html): 5 primary schools, students and books; per school the difference term
    # (P_i/P)(X_i − X̄)² = 0.003, 0.85, 5.13, 4.50, 0.17, sum 10.65, √ = 3.26, CV = 3.26 / 6.33 = 0.52.
    students, books = [45, 37, 89, 76, 55], [279, 137, 935, 160, 402]
    spread = weighted_cv(students, books)
    assert spread.total == 1913 and spread.students == 302
    assert round(spread.mean, 2) == 6.33
    assert round(spread.sd ** 2, 2) == 10.65
    assert round(spread.sd, 2) == 3.26
    assert round(spread.cv, 2) == 0.52
    terms = [p / 302 * (b / p - spread.mean) ** 2 for p, b in zip(students, books, strict=True)]
    assert [round(t, 2) for t in terms] == [0.00, 0.85, 5.13, 4.50, 0.17]


def test_cv_agrees_with_an_independent_weighted_computation():
    rng = np.random.default_rng(14)
    students = rng.integers(60, 2500, size=40).astype(float)
    raws = students * rng.lognormal(np.log(8), 0.3, size=40)
    ratios = raws / students
    mean = np.average(ratios, weights=students)
    expected = math.sqrt(np.average((ratios - mean) ** 2, weights=students)) / mean
    assert weighted_cv(list(students), list(raws)).cv == pytest.approx(expected, rel=1e-12)


# ---------------------------------------------------------------- weighting


def test_county_value_is_the_ratio_of_sums_and_big_schools_weigh_more():
    # a big school at 5 m² per student and a small one at 10: the county value is 6000/1100, not 7.5
    spread = weighted_cv([1000, 100], [5000, 1000])
    assert spread.mean == pytest.approx(6000 / 1100)
    # the same two values, with the weights swapped, give a different mean and a different CV
    swapped = weighted_cv([100, 1000], [500, 10000])
    assert swapped.mean == pytest.approx(10500 / 1100)
    variance = 1000 / 1100 * (5 - 6000 / 1100) ** 2 + 100 / 1100 * (10 - 6000 / 1100) ** 2
    assert spread.cv == pytest.approx(math.sqrt(variance) / (6000 / 1100))
    assert spread.cv != pytest.approx(swapped.cv)


def test_per_hundred_students_scales_the_mean_but_not_the_cv():
    per_student, per_hundred = weighted_cv([500, 800], [20, 40]), weighted_cv([500, 800], [20, 40], per=100)
    assert per_hundred.mean == pytest.approx(per_student.mean * 100)
    assert per_hundred.cv == pytest.approx(per_student.cv)


def test_one_school_gives_no_cv():
    assert weighted_cv([500], [2000]).cv is None


# ---------------------------------------------------------------- 6 of 7, and the rest at least 85%


@pytest.mark.parametrize(("ratios", "status", "met"), [
    ({}, MET, 7),
    ({"key_teachers": 0.86}, MET, 6),  # one short, above the floor
    ({"equipment_value": 0.85}, MET, 6),  # exactly at the floor
    ({"equipment_value": 0.84}, NOT_MET, 6),  # one below the floor
    ({"key_teachers": 0.95, "sports_area": 0.95}, NOT_MET, 5),  # two short, both above the floor
    ({"teaching_area": 1.0}, MET, 7),  # exactly at the standard
])
def test_a_school_passes_with_six_of_seven_and_the_seventh_at_85_percent(ratios, status, met):
    result = school_assess(STANDARDS, PRIMARY, school(ratios=ratios))
    assert (result.status, result.met) == (status, met)


def test_exact_decimals_21_teachers_for_500_pupils_is_exactly_4_2_per_hundred():
    result = school_assess(STANDARDS, PRIMARY, school(students={"primary": 500}, teachers_above_primary=21))
    qualified = next(r for r in result.results if r.indicator == "qualified_teachers")
    assert qualified.status == MET and qualified.value == pytest.approx(4.2)


def test_value_between_floor_and_standard_is_close():
    result = school_assess(STANDARDS, PRIMARY, school(ratios={"sports_area": 0.9}))
    assert next(r for r in result.results if r.indicator == "sports_area").status == CLOSE


def test_what_a_failing_school_needs_in_whole_units():
    # 800 pupils: 5 key teachers (standard 8, 62.5%), 10 multimedia rooms (standard 18.4, 54%): the rooms, the
    # larger shortfall, need only the 85% floor (15.64 → 6 more rooms), the key teachers the standard (3 more)
    result = school_assess(STANDARDS, PRIMARY, school(key_teachers_primary=5, mm_rooms_primary=10))
    assert result.status == NOT_MET
    assert "还需增加骨干教师3人" in result.needs
    assert "还需增加网络多媒体教室6间(达到标准的85%)" in result.needs
    rooms = next(r for r in result.results if r.indicator == "multimedia_rooms")
    assert (rooms.need, rooms.need_to) == (6, "floor")


def test_missing_figure_leaves_the_school_incomplete_not_failed():
    result = school_assess(STANDARDS, PRIMARY, school(sports_area_primary=None))
    assert result.status == INCOMPLETE and "生均体育运动场馆面积" in result.reasons[0]


# ---------------------------------------------------------------- sections


def test_nine_year_school_is_judged_per_section_against_each_sections_standard():
    # 5.0 m² of teaching space per pupil in both sections: above 4.5 (小学), 86% of 5.8 (初中); the junior sports
    # ground at 80% of 10.2 m² is below the floor
    nine = school("N1", "nine_year", sections=("primary", "junior"),
                  teaching_area_primary=5.0 * 800, teaching_area_junior=5.0 * 600, sports_area_junior=0.8 * 10.2 * 600)
    primary, junior = school_assess(STANDARDS, PRIMARY, nine), school_assess(STANDARDS, JUNIOR, nine)
    assert primary.status == MET and primary.students == 800
    assert junior.status == NOT_MET and junior.students == 600  # 86% and 80% of the junior standards
    assert [s.name_zh for s in STANDARDS.sections_of("nine_year")] == ["小学", "初中"]
    assert [s.name_zh for s in STANDARDS.sections_of("complete_secondary")] == ["初中"]
    assert STANDARDS.sections_of("senior") == []


def test_each_section_has_its_own_cv_and_threshold():
    schools = [school("P1", ratios={"sports_area": 1.0}), school("P2", ratios={"sports_area": 3.0}),
               school("N1", "nine_year", sections=("primary", "junior")),
               school("J1", "junior", sections=("junior",), ratios={"sports_area": 2.0})]
    primary, junior = section_assess(STANDARDS, PRIMARY, schools), section_assess(STANDARDS, JUNIOR, schools)
    assert sorted(s.code for s in primary.schools) == ["N1", "P1", "P2"]
    assert sorted(s.code for s in junior.schools) == ["J1", "N1"]
    sports = next(i for i in primary.indicators if i.indicator == "sports_area")
    # three primary sections of 800 pupils at 1.0, 3.0 and 1.2 × 7.5 m²
    values = np.array([1.0, 3.0, 1.2]) * 7.5
    assert sports.spread.cv == pytest.approx(values.std() / values.mean())
    assert sports.cv_max == 0.5 and sports.cv_ok is False
    assert next(i for i in junior.indicators if i.indicator == "sports_area").cv_max == 0.45


def test_a_cv_above_the_threshold_fails_the_section_with_its_reason():
    schools = [school("P1", ratios={"equipment_value": 1.0}), school("P2", ratios={"equipment_value": 3.5})]
    result = section_assess(STANDARDS, PRIMARY, schools)
    assert result.status == NOT_MET and result.failing == 0
    assert any("生均教学仪器设备值差异系数" in r and "高于0.50" in r for r in result.reasons)


def test_section_verdicts_failing_school_beats_missing_data_and_missing_data_beats_cv():
    good, bad = school("P1"), school("P2", ratios={"key_teachers": 0.5})
    missing = school("P3", mm_rooms_primary=None)
    assert section_assess(STANDARDS, PRIMARY, [good, bad, missing]).status == NOT_MET
    assert section_assess(STANDARDS, PRIMARY, [good, missing]).status == INCOMPLETE
    complete = section_assess(STANDARDS, PRIMARY, [good, school("P4")])
    assert complete.status == MET and (complete.reported, complete.expected, complete.passing) == (2, 2, 2)


# ---------------------------------------------------------------- exclusions


def test_small_sections_and_special_schools_are_left_out_of_verdicts_and_cv():
    tiny = school("T1", students={"primary": 49}, ratios={r.code: 0.1 for r in STANDARDS.indicators})
    fifty = school("F1", students={"primary": 50})
    special = SchoolInput("X1", "特殊教育学校", "special", {"students_primary": 120})
    result = section_assess(STANDARDS, PRIMARY, [school("P1"), school("P2", ratios={"sports_area": 1.5}), tiny,
                                                  fifty, special])
    assert sorted(s.code for s in result.excluded) == ["T1", "X1"]
    assert all(s.status == EXCLUDED for s in result.excluded)
    assert "不足50人" in next(s for s in result.excluded if s.code == "T1").reasons[0]
    assert result.status == MET and result.expected == 3  # the tiny school's 10% counts nowhere
    sports = next(i for i in result.indicators if i.indicator == "sports_area")
    assert sports.spread.students == 800 + 800 + 50


def test_a_nine_year_school_without_a_junior_section_is_not_expected_in_it():
    nine = school("N1", "nine_year", students={"primary": 800, "junior": 0}, sections=("primary", "junior"))
    assert section_assess(STANDARDS, JUNIOR, [nine]).expected == 0


# ---------------------------------------------------------------- the standards are data


def test_standards_file_carries_the_national_figures():
    assert (STANDARDS.min_met, float(STANDARDS.floor_share), STANDARDS.min_students) == (6, 0.85, 50)
    assert len(STANDARDS.indicators) == 7
    assert {s.code: float(s.cv_max) for s in STANDARDS.sections} == {"primary": 0.5, "junior": 0.45}


def test_a_stricter_provincial_file_changes_the_verdict(tmp_path):
    data = json.loads(DEFAULT_STANDARDS_FILE.read_text(encoding="utf-8"))
    data["school_rule"]["min_met"] = 7
    stricter = tmp_path / "province.json"
    stricter.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    one_short = school(ratios={"key_teachers": 0.9})
    assert school_assess(STANDARDS, PRIMARY, one_short).status == MET
    assert school_assess(standards_read(stricter), standards_read(stricter).sections[0], one_short).status == NOT_MET


def test_a_broken_standards_file_names_every_problem_and_its_place(tmp_path):
    data = json.loads(DEFAULT_STANDARDS_FILE.read_text(encoding="utf-8"))
    del data["indicators"][2]["standards"]["junior"]
    data["sections"][1]["cv_max"] = "0.45"
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(StandardsError) as caught:
        standards_read(broken)
    assert "indicators[2].standards.junior: 缺少该学段的标准" in caught.value.problems
    assert "sections[1].cv_max: 必须是数字" in caught.value.problems


def test_shared_resources_split_by_weighted_students_add_up_to_the_total():
    parts = split_shared(11000, {"primary": 600, "junior": 300}, STANDARDS.split_weights)
    assert sum(parts.values()) == pytest.approx(11000)
    assert parts["junior"] / parts["primary"] == pytest.approx(300 * 1.1 / 600)
