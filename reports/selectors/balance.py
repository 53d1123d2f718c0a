"""「优质均衡创建」: the approved section figures of every compulsory school, year by year, judged by
``indicators.balance`` against the standards file. Three queries whatever the number of schools and years
(schools, years, values); nothing is stored — the verdicts are arithmetic on the approved figures.

Approved figures are read as the rollup reads them (indicators/rollup/load.py): a school's approved
submissions of the year, and for a per-semester form only its latest approved semester."""
from collections import defaultdict
from pathlib import Path

from django.conf import settings

from indicators.balance import (
    DEFAULT_STANDARDS_FILE,
    SchoolInput,
    Standards,
    StandardsError,
    section_assess,
    standards_read,
)
from indicators.models import ReportingPeriod, School, SubmissionStatus, SubmissionValue
from indicators.verdicts import INCOMPLETE, MET, NOT_MET

_ORDER = {NOT_MET: 0, INCOMPLETE: 1, MET: 2}


def balance_standards() -> Standards:
    """The standards the settings name (a province's stricter file), else the national ones."""
    return standards_read(Path(settings.YOUZHI_STANDARDS_FILE or DEFAULT_STANDARDS_FILE))


def balance_years(standards: Standards) -> list[int]:
    """Years with a reporting period of a form that collects the section figures."""
    students = [s.students_element for s in standards.sections]
    return sorted(set(ReportingPeriod.objects.filter(dataset__items__element__code__in=students)
                      .values_list("year", flat=True)))


def balance_payload(*, year: int | None = None, own_school: School | None = None) -> dict:
    """Everything the page shows. ``own_school``: a school reporter's school — the county figures stay, the
    school lists keep only that school. Never raises on missing data: ``status`` says what is missing."""
    try:
        standards = balance_standards()
    except StandardsError as exc:
        return {"status": "bad_standards", "problems": exc.problems, "years": [], "year": None}
    years = balance_years(standards)
    if not years:
        return {"status": "no_data", "standards": standards, "years": [], "year": None}
    year = year if year in years else years[-1]
    schools = _schools(standards)
    figures = _approved_figures(standards, years, [s.id for s in schools])
    by_year = {y: [section_assess(standards, section, _inputs(schools, figures, y)) for section in standards.sections]
               for y in years}
    sections = by_year[year]
    for section in sections:  # the schools that hold the county back first
        section.schools.sort(key=lambda s: (_ORDER.get(s.status, 3), s.code))
    if own_school is not None:
        sections = [_only(section, own_school.code) for section in sections]
    has_data = any(section.reported for section in by_year[year])
    # a kindergarten or senior school is in no 义务教育 section: its reporter sees the county only, and why
    own_sections = [sec.code for sec in standards.sections_of(own_school.school_type)] if own_school else None
    return {"status": "ok" if has_data else "no_data", "standards": standards, "years": years, "year": year,
            "sections": sections, "trend": _trend(standards, by_year), "own_school": own_school,
            "own_outside": own_school is not None and not own_sections}


def _schools(standards: Standards) -> list[School]:
    types = {t for s in standards.sections for t in s.school_types} | set(standards.excluded_types)
    return list(School.objects.filter(active=True, school_type__in=types).order_by("code"))


def _approved_figures(standards: Standards, years: list[int], school_ids: list[int]) -> dict:
    """(year, school id) → {element code: approved figure}, the latest approved semester of a per-semester form."""
    rows = (SubmissionValue.objects
            .filter(submission__status=SubmissionStatus.APPROVED, submission__period__year__in=years,
                    submission__school_id__in=school_ids, element__code__in=standards.elements(),
                    value__isnull=False)
            .values_list("submission__period__year", "submission__school_id", "submission__period__dataset_id",
                         "submission__period__semester", "element__code", "value"))
    latest: dict = {}
    for year, school, dataset, semester, _code, _value in rows:
        key = (year, school, dataset)
        latest[key] = max(latest.get(key, 0), semester or 0)
    out: dict = defaultdict(dict)
    for year, school, dataset, semester, code, value in rows:
        if (semester or 0) == latest[(year, school, dataset)]:
            out[year, school][code] = out[year, school].get(code, 0) + float(value)
    return out


def _inputs(schools: list[School], figures: dict, year: int) -> list[SchoolInput]:
    """Every school open in the year, with its figures or none (a school that has not reported is expected)."""
    return [SchoolInput(s.code, s.name, s.school_type, figures.get((year, s.id), {}))
            for s in schools if s.opened_year is None or s.opened_year <= year]


def _only(section, code: str):
    section.schools = [s for s in section.schools if s.code == code]
    section.excluded = [s for s in section.excluded if s.code == code]
    for item in section.indicators:
        item.failing = [(s, r) for s, r in item.failing if s.code == code]
    return section


def _trend(standards: Standards, by_year: dict) -> list[dict]:
    rows = []
    for section in standards.sections:
        points = []
        for year, results in by_year.items():
            result = next(r for r in results if r.section.code == section.code)
            points.append({"year": year, "status": result.status, "passing": result.passing,
                           "failing": result.failing, "reported": result.reported, "expected": result.expected,
                           "cv_pairs": [(item.spread.cv, item.cv_ok) for item in result.indicators]})
        rows.append({"section": section, "points": points})
    return rows



def balance_brief(*, year: int) -> dict | None:
    """One year's readiness as plain data for a meeting snapshot, frozen with it so that the briefing and the slides
    do not move when more figures are approved: per section its verdict, its counts, the schools that miss the rule
    (fewest standards met first) and the 差异系数 above their maximum. None when the standards file is broken or the
    year collects no section figures; three queries, like the page."""
    try:
        standards = balance_standards()
    except StandardsError:
        return None
    if year not in balance_years(standards):
        return None
    schools = _schools(standards)
    figures = _approved_figures(standards, [year], [s.id for s in schools])
    inputs = _inputs(schools, figures, year)
    results = [section_assess(standards, section, inputs) for section in standards.sections]
    return {"year": year, "min_met": standards.min_met, "floor_percent": int(standards.floor_share * 100),
            "sections": [_section_brief(result) for result in results if result.expected]}


def _section_brief(result) -> dict:
    failing = sorted((s for s in result.schools if s.status == NOT_MET), key=lambda s: (s.met, s.code))
    over = [{"name_zh": item.name_zh, "name_en": item.name_en, "cv": round(item.spread.cv, 3),
             "cv_max": item.cv_max} for item in result.indicators if item.cv_ok is False]
    return {"code": result.section.code, "name_zh": result.section.name_zh, "name_en": result.section.name_en,
            "status": result.status, "expected": result.expected, "reported": result.reported,
            "passing": result.passing, "failing": result.failing, "failing_schools": [s.name for s in failing],
            "cv_over": over}
