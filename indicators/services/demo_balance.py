"""The demo district's 义务教育优质均衡 figures: students, teachers, floor areas, equipment and multimedia rooms per
section (小学 / 初中) of every compulsory school, added to its 中小学基本情况年报.

They are drawn from their own random streams, one per school and one per school and year, seeded from the demo
seed and the school's code — never from the demo's main stream — so every figure the demo made before stays
identical, and a school keeps its character from year to year (a small site stays small).

The county is meant to be close to the line, not on it: most sections meet the seven standards, a few schools
fall short (big schools on a cramped urban site lack sports ground; small rural ones lack key teachers), and
the schools converge a little every year as the bureau invests.
"""
import math
import random

from indicators.balance import Standards, split_shared, standards_read

PRIMARY, JUNIOR, NINE_YEAR, COMPLETE = "primary", "junior", "nine_year", "complete_secondary"
# Per indicator: (level above the standard in 2022, yearly growth before it, school-to-school spread σ of log
# values, effect of a rural site, effect of size: value ∝ (students / 1000) ** size).
PROFILE = {
    "qualified_teachers": (1.40, 0.03, 0.15, 0.85, 0.0),
    "key_teachers": (1.72, 0.05, 0.27, 0.75, 0.0),
    "pe_arts_teachers": (1.52, 0.03, 0.20, 0.85, -0.05),
    "teaching_area": (1.38, 0.015, 0.15, 1.15, -0.10),
    "sports_area": (1.66, 0.02, 0.30, 1.45, -0.35),
    "equipment_value": (1.56, 0.07, 0.22, 0.90, 0.0),
    "multimedia_rooms": (1.46, 0.06, 0.18, 0.90, 0.0),
}
LAST_YEAR = 2022
CONVERGENCE = 0.04  # the schools' differences shrink by this share a year as the bureau evens them out
TEACHERS = {"qualified_teachers", "key_teachers", "pe_arts_teachers"}
SCHOOL_SPREAD = 0.08  # a school's overall standing, shared by its seven indicators
YEAR_NOISE = 0.025


def balance_figures_add(*, seed: int, specs, submissions, standards: Standards | None = None) -> None:
    """Add the section figures to every non-draft 中小学基本情况年报 of a compulsory school (a draft is half
    filled in, and these come last on the form)."""
    standards = standards or standards_read()
    schools = {s.code: s for s in specs}
    for sub in submissions:
        spec = schools.get(sub.school)
        if sub.dataset != "school_yearly" or spec is None or sub.status == "draft":
            continue
        if not standards.sections_of(spec.school_type) or "enrolled_start" not in sub.values:
            continue
        sub.values.update(_school_year(seed, spec, sub.year, sub.values, standards))


def _school_year(seed: int, spec, year: int, values: dict, standards: Standards) -> dict:
    character = random.Random(f"youzhi-{seed}-{spec.code}")
    noise = random.Random(f"youzhi-{seed}-{spec.code}-{year}")
    students = _students(character, spec.school_type, int(values["enrolled_start"]))
    teachers = _teachers(int(values["teachers"]), students)
    standing = character.gauss(0, SCHOOL_SPREAD)
    traits = {code: character.gauss(0, PROFILE[code][2]) for code in sorted(PROFILE)}
    rural = spec.town in ("tongchuan", "boerjianghaizi", "hantai")
    out: dict = {}
    for section in standards.sections:
        n = students.get(section.code, 0)
        if section not in standards.sections_of(spec.school_type):
            continue
        out[section.students_element] = n
        for resource in standards.indicators:
            level, growth, _spread, rural_effect, size = PROFILE[resource.code]
            spread = 1 - CONVERGENCE * (year - LAST_YEAR + 3)
            ratio = level / (1 + growth) ** (LAST_YEAR - year) * math.exp(
                spread * (standing + traits[resource.code]) + noise.gauss(0, YEAR_NOISE)) \
                * (rural_effect if rural else 1) * (max(n, 50) / 1000) ** size
            raw = float(resource.standards[section.code]) * ratio * n / resource.per_students
            out[resource.elements[section.code]] = _as_reported(resource.code, raw, teachers.get(section.code, 0))
    _split_shared_totals(out, students, standards)
    return out


def _students(rng: random.Random, school_type: str, pupils: int) -> dict[str, int]:
    if school_type == NINE_YEAR:
        primary = round(pupils * rng.uniform(0.6, 0.72))
        return {PRIMARY: primary, JUNIOR: pupils - primary}
    if school_type == COMPLETE:  # the rest are senior high students
        return {JUNIOR: round(pupils * rng.uniform(0.42, 0.55))}
    return {school_type: pupils}


def _teachers(teachers: int, students: dict[str, int]) -> dict[str, int]:
    # junior classes need about 1.3 times the teachers per student
    weight = {PRIMARY: 1.0, JUNIOR: 1.3}
    whole = sum(n * weight[s] for s, n in students.items()) or 1
    return {s: math.floor(teachers * n * weight[s] / whole) for s, n in students.items()}


def _as_reported(code: str, raw: float, section_teachers: int):
    if code in TEACHERS:
        return min(section_teachers, round(raw))  # part of the section's full-time teachers
    if code == "multimedia_rooms":
        return round(raw)
    if code == "equipment_value":
        return f"{round(raw, -2):.2f}"
    return f"{raw:.1f}"  # m²


def _split_shared_totals(out: dict, students: dict[str, int], standards: Standards) -> None:
    """A nine-year school reports its shared buildings split by the bureau's key: the demo draws each section's
    figure, adds them into the school's total, and splits that total as the 口径 says."""
    if len(students) < 2:
        return
    for resource in standards.indicators:
        if resource.code not in ("teaching_area", "sports_area", "equipment_value"):
            continue
        codes = {s: resource.elements[s] for s in students}
        total = sum(float(out[c]) for c in codes.values())
        parts = split_shared(total, students, standards.split_weights)
        for section, code in codes.items():
            out[code] = _as_reported(resource.code, parts[section], 0)
