"""义务教育优质均衡 readiness: the seven resource indicators (资源配置) of 教督〔2017〕6号, pure arithmetic.

No database: the selector hands in each school's approved raw totals (teachers, m², 元, rooms) and students
per section; the standards come from a JSON file (``indicators/data/youzhi_standards.json``, or a province's
stricter one named by ``settings.YOUZHI_STANDARDS_FILE``), checked when read.

Rules, each with its test in ``tests/test_balance.py``:
* **Sections.** A 九年一贯制 school counts as a primary school (小学学段) and a junior school (初中学段), a 完全中学
  with its junior section; each section is judged against its own standards and enters its own 差异系数.
* **Exclusions.** Special and vocational schools, and a section with fewer than ``min_students`` (50) students
  (教学点), are left out of the school verdicts and the 差异系数, and listed as left out.
* **School verdict.** At least ``min_met`` (6) of the 7 values reach the standard and every value reaches
  ``floor_share`` (85%) of it. A value per school is raw × per_students / students (每百名学生: ×100).
  What a failing school needs is counted in whole units, rounded up (「还需增加骨干教师3人」): every shortfall
  to the standard except the ``7 − min_met`` largest relative ones, which need only the 85% floor.
* **差异系数** (校际差异系数, student-weighted coefficient of variation), per indicator and section:
  mean X̄ = Σ raw / Σ students (× per_students) — the county value, a ratio of sums, not a mean of ratios;
  variance = Σ (P_i / P)(X_i − X̄)²; CV = √variance / X̄. At most ``cv_max`` (0.50 小学, 0.45 初中); fewer than
  two schools give no CV.
* **Section verdict.** 未达标 if any school with complete figures fails (nothing still to report can change
  that); otherwise 数据未齐 while a school's figures are missing; otherwise 未达标 if any CV is above its
  maximum, else 达标.

Comparisons are made in Decimal on raw × per against standard × students, so 21 teachers for 500 pupils is
exactly 4.2 per hundred, never 4.1999….
"""
import json
import math
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from pathlib import Path

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from indicators.verdicts import CLOSE, INCOMPLETE, MET, NO_DATA, NOT_MET

DEFAULT_STANDARDS_FILE = Path(__file__).resolve().parent / "data" / "youzhi_standards.json"
FORMAT = "edugov-youzhi-standards/1"
EXCLUDED, NO_SECTION = "excluded", "no_section"


class StandardsError(ValueError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Section:
    code: str
    name_zh: str
    name_en: str
    cv_max: Decimal
    students_element: str
    school_types: tuple[str, ...]

    def label(self) -> str:
        return self.name_en or self.name_zh if _english() else self.name_zh


@dataclass(frozen=True)
class Resource:
    """One of the seven indicators: its elements and standard per section."""
    code: str
    name_zh: str
    name_en: str
    per_students: int
    unit: str
    resource_zh: str
    resource_unit: str
    round_up_to: Decimal
    elements: dict[str, str]
    standards: dict[str, Decimal]
    decimals: int = 2  # shown with this many decimals
    resource_en: str = ""  # 「骨干教师」 in English, for 「还需」 on the English page

    def label(self) -> str:
        """The indicator's name in the reader's language (Chinese where the file gives no English)."""
        return self.name_en or self.name_zh if _english() else self.name_zh

    def resource_label(self) -> str:
        return self.resource_en or self.resource_zh if _english() else self.resource_zh


@dataclass(frozen=True)
class Standards:
    name_zh: str
    source: str
    min_met: int
    floor_share: Decimal
    min_students: int
    excluded_types: tuple[str, ...]
    split_weights: dict[str, Decimal]
    split_note: str
    sections: tuple[Section, ...]
    indicators: tuple[Resource, ...]

    def sections_of(self, school_type: str) -> list[Section]:
        return [s for s in self.sections if school_type in s.school_types]

    def elements(self) -> set[str]:
        return {s.students_element for s in self.sections} | {
            code for r in self.indicators for code in r.elements.values()}


# ---------------------------------------------------------------- reading the standards


def standards_read(path: Path | str | None = None) -> Standards:
    """The standards file, checked: every problem names its place (``indicators[2].standards.junior``)."""
    path = Path(path or DEFAULT_STANDARDS_FILE)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise StandardsError([f"无法读取优质均衡标准文件 {path}: {exc}"]) from None
    except json.JSONDecodeError as exc:
        raise StandardsError([f"优质均衡标准文件JSON格式错误:第{exc.lineno}行第{exc.colno}列:{exc.msg}"]) from None
    return standards_parse(data)


def standards_parse(data) -> Standards:
    problems: list[str] = []
    if not isinstance(data, dict):
        raise StandardsError(["文件顶层必须是一个对象 {…}"])
    if data.get("format") != FORMAT:
        problems.append(f"format: 应为「{FORMAT}」")
    rule, exclusions = data.get("school_rule") or {}, data.get("exclusions") or {}
    sections = tuple(_section(entry, f"sections[{i}]", problems)
                     for i, entry in enumerate(_list(data, "sections", problems)))
    codes = [s.code for s in sections]
    if len(set(codes)) != len(codes) or not codes:
        problems.append("sections: 学段代码必须唯一且至少一个")
    resources = tuple(_resource(entry, f"indicators[{i}]", codes, problems)
                      for i, entry in enumerate(_list(data, "indicators", problems)))
    min_met = rule.get("min_met")
    if not isinstance(min_met, int) or isinstance(min_met, bool) or not 0 < min_met <= len(resources):
        problems.append(f"school_rule.min_met: 应为 1–{len(resources)} 的整数")
        min_met = len(resources)
    floor = _number(rule, "floor_share", "school_rule", problems, low=0, high=1)
    min_students = exclusions.get("min_students", 0)
    if not isinstance(min_students, int) or isinstance(min_students, bool) or min_students < 0:
        problems.append("exclusions.min_students: 应为非负整数")
        min_students = 0
    split = data.get("shared_split") or {}
    weights = {k: _number(split.get("weights") or {}, k, "shared_split.weights", problems, low=0)
               for k in (split.get("weights") or {})}
    if problems:
        raise StandardsError(problems)
    return Standards(name_zh=str(data.get("name_zh", "")), source=str(data.get("source", "")), min_met=min_met,
                     floor_share=floor, min_students=min_students,
                     excluded_types=tuple(exclusions.get("school_types") or ()), split_weights=weights,
                     split_note=str(split.get("note_zh", "")), sections=sections, indicators=resources)


def _list(data: dict, key: str, problems: list[str]) -> list[dict]:
    entries = data.get(key)
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        problems.append(f"{key}: 必须是对象列表 [{{…}}]")
        return []
    return entries


def _number(item: dict, key: str, where: str, problems: list[str], *, low=None, high=None) -> Decimal:
    value = item.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.append(f"{where}.{key}: 必须是数字")
        return Decimal(0)
    number = Decimal(str(value))
    if (low is not None and number <= low) or (high is not None and number > high):
        problems.append(f"{where}.{key}: 超出允许范围")
    return number


def _text(item: dict, key: str, where: str, problems: list[str]) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}.{key}: 不能为空")
        return ""
    return value


def _section(entry: dict, where: str, problems: list[str]) -> Section:
    return Section(code=_text(entry, "code", where, problems), name_zh=_text(entry, "name_zh", where, problems),
                   name_en=str(entry.get("name_en", "")), cv_max=_number(entry, "cv_max", where, problems, low=0),
                   students_element=_text(entry, "students_element", where, problems),
                   school_types=tuple(entry.get("school_types") or ()))


def _resource(entry: dict, where: str, sections: list[str], problems: list[str]) -> Resource:
    elements, standards = entry.get("elements") or {}, entry.get("standards") or {}
    for section in sections:
        if not isinstance(elements.get(section), str):
            problems.append(f"{where}.elements.{section}: 缺少该学段的数据项代码")
        if section not in standards:
            problems.append(f"{where}.standards.{section}: 缺少该学段的标准")
    per = entry.get("per_students")
    if per not in (1, 100):
        problems.append(f"{where}.per_students: 应为 1(生均)或 100(每百名学生)")
    return Resource(
        code=_text(entry, "code", where, problems), name_zh=_text(entry, "name_zh", where, problems),
        name_en=str(entry.get("name_en", "")), per_students=per if per in (1, 100) else 1,
        unit=str(entry.get("unit", "")), resource_zh=_text(entry, "resource_zh", where, problems),
        resource_unit=str(entry.get("resource_unit", "")),
        round_up_to=_number(entry, "round_up_to", where, problems, low=0),
        elements={s: elements.get(s, "") for s in sections},
        standards={s: _number(standards, s, f"{where}.standards", problems, low=0) for s in sections if s in standards},
        decimals=entry.get("decimals", 2) if entry.get("decimals", 2) in range(7) else 2,
        resource_en=str(entry.get("resource_en", "")),
    )


def _english() -> bool:
    return (get_language() or "").startswith("en")


# ---------------------------------------------------------------- one school, one section


@dataclass(frozen=True)
class SchoolInput:
    """A school's approved figures for one year: element code → raw total (None: not reported)."""
    code: str
    name: str
    school_type: str
    values: dict[str, float | None]


@dataclass
class IndicatorResult:
    indicator: str
    raw: float | None
    value: float | None  # per student, or per 100 students
    standard: float
    ratio: float | None  # value / standard
    status: str  # MET, CLOSE (≥ floor), NOT_MET (< floor), NO_DATA
    need: float | None = None  # units to add in the school's cheapest way to pass (0: none)
    need_to: str = ""  # "standard" or "floor"


@dataclass
class SchoolResult:
    code: str
    name: str
    school_type: str
    section: str
    students: int | None
    status: str  # MET, NOT_MET, INCOMPLETE (figures missing), EXCLUDED
    results: list[IndicatorResult] = field(default_factory=list)
    met: int = 0
    reasons: list[str] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)  # 「还需增加骨干教师3人」


def _dec(value) -> Decimal:
    return Decimal(str(value))


def per_student_value(raw: float, students: int, per: int) -> float:
    return float(_dec(raw) * per / students)


def round_up(amount: Decimal, step: Decimal) -> Decimal:
    """An amount in whole steps, rounded up: 2.1 teachers short is 3 teachers."""
    if amount <= 0:
        return Decimal(0)
    return (amount / step).to_integral_value(rounding=ROUND_CEILING) * step


def shortfall(raw: float, students: int, standard: Decimal, per: int, share: Decimal, step: Decimal) -> Decimal:
    """How much raw resource a school must add so that raw × per / students ≥ share × standard."""
    return round_up(share * standard * students / per - _dec(raw), step)


def section_students(standards: Standards, section: Section, school: SchoolInput) -> int | None:
    students = school.values.get(section.students_element)
    return None if students is None else int(students)


def exclusion_reason(standards: Standards, school_type: str, students: int | None) -> str | None:
    if school_type in standards.excluded_types:
        return _("特殊教育学校、职业学校不参加资源配置指标和差异系数计算")
    if students is not None and 0 < students < standards.min_students:
        return _("该学段在校生不足%(n)d人,不参加资源配置指标和差异系数计算") % {"n": standards.min_students}
    return None


def school_assess(standards: Standards, section: Section, school: SchoolInput) -> SchoolResult:
    students = section_students(standards, section, school)
    result = SchoolResult(school.code, school.name, school.school_type, section.code, students, INCOMPLETE)
    reason = exclusion_reason(standards, school.school_type, students)
    if reason:
        result.status, result.reasons = EXCLUDED, [reason]
        return result
    missing = [r.label() for r in standards.indicators if school.values.get(r.elements[section.code]) is None]
    if students is None and len(missing) == len(standards.indicators):
        result.reasons = [_("本年尚无审核通过的%(section)s学段数据") % {"section": section.label()}]
        return result
    if not students:
        result.reasons = [_("缺少%(section)s学段在校生数") % {"section": section.label()}]
        return result
    result.results = [_indicator_result(standards, section, r, school.values.get(r.elements[section.code]), students)
                      for r in standards.indicators]
    if missing:
        result.reasons = [_("尚无审核通过的数据:%(items)s") % {"items": "、".join(missing)}]
        return result
    result.met = sum(1 for r in result.results if r.status == MET)
    below_floor = [r for r in result.results if r.status == NOT_MET]
    passed = result.met >= standards.min_met and not below_floor
    result.status = MET if passed else NOT_MET
    result.reasons = _school_reasons(standards, result, below_floor)
    if not passed:
        result.needs = _needs(standards, section, result, students)
    return result


def _indicator_result(standards: Standards, section: Section, resource: Resource, raw, students: int):
    standard = resource.standards[section.code]
    if raw is None:
        return IndicatorResult(resource.code, None, None, float(standard), None, NO_DATA)
    scaled, goal = _dec(raw) * resource.per_students, standard * students
    if scaled >= goal:
        status = MET
    elif scaled >= standards.floor_share * goal:
        status = CLOSE
    else:
        status = NOT_MET
    value = per_student_value(raw, students, resource.per_students)
    return IndicatorResult(resource.code, float(raw), value, float(standard),
                           float(scaled / goal) if goal else None, status)


def _school_reasons(standards: Standards, result: SchoolResult, below_floor: list[IndicatorResult]) -> list[str]:
    names = {r.code: r.label() for r in standards.indicators}
    reasons = [_("%(met)d项达到标准(要求至少%(need)d项)") % {"met": result.met, "need": standards.min_met}]
    floor = f"{standards.floor_share * 100:.0f}%"
    for r in below_floor:
        reasons.append(_("%(name)s仅为标准的%(share).0f%%,低于%(floor)s") % {
            "name": names[r.indicator], "share": (r.ratio or 0) * 100, "floor": floor})
    return reasons


def _needs(standards: Standards, section: Section, result: SchoolResult, students: int) -> list[str]:
    """The cheapest way to pass in the rule's own terms: the ``7 − min_met`` shortfalls that are relatively
    largest need only reach the floor, every other one the standard."""
    resources = {r.code: r for r in standards.indicators}
    below = sorted((r for r in result.results if r.status != MET), key=lambda r: r.ratio or 0)
    allowed = len(standards.indicators) - standards.min_met
    out = []
    for index, r in enumerate(below):
        resource = resources[r.indicator]
        to_floor = index < allowed
        share = standards.floor_share if to_floor else Decimal(1)
        amount = shortfall(r.raw, students, resource.standards[section.code], resource.per_students, share,
                           resource.round_up_to)
        r.need, r.need_to = float(amount), "floor" if to_floor else "standard"
        if amount > 0:
            out.append(_("还需增加%(what)s%(amount)s%(unit)s") % {
                "what": resource.resource_label(), "amount": f"{amount:,.0f}", "unit": resource.resource_unit}
                + (_("(达到标准的%(floor)s)") % {"floor": f"{standards.floor_share * 100:.0f}%"} if to_floor else ""))
    return out


# ---------------------------------------------------------------- 差异系数


@dataclass(frozen=True)
class Spread:
    schools: int
    students: int
    total: float
    mean: float | None  # the county value: Σ raw / Σ students (× per)
    sd: float | None
    cv: float | None


def weighted_cv(students: list[float], raws: list[float], per: int = 1) -> Spread:
    """Student-weighted coefficient of variation of raw / students (× per), the mean being the ratio of sums."""
    total_students, total = sum(students), sum(raws)
    if not students or total_students <= 0:
        return Spread(len(students), int(total_students), total, None, None, None)
    mean = total * per / total_students
    if len(students) < 2 or mean == 0:
        return Spread(len(students), int(total_students), total, mean, None, None)
    variance = sum(p / total_students * (x * per / p - mean) ** 2 for p, x in zip(students, raws, strict=True))
    sd = math.sqrt(variance)
    return Spread(len(students), int(total_students), total, mean, sd, sd / mean)


# ---------------------------------------------------------------- a section of the county


@dataclass
class IndicatorSummary:
    indicator: str
    name_zh: str
    name_en: str
    unit: str
    decimals: int
    resource_unit: str
    standard: float
    spread: Spread
    cv_max: float
    cv_ok: bool | None  # None: no CV (fewer than two schools)
    failing: list[tuple[SchoolResult, IndicatorResult]] = field(default_factory=list)


@dataclass
class SectionResult:
    section: Section
    status: str
    reasons: list[str]
    indicators: list[IndicatorSummary]
    schools: list[SchoolResult]  # judged: complete, incomplete
    excluded: list[SchoolResult]
    expected: int
    reported: int  # schools with complete figures
    passing: int = 0  # counted when judged, so a list cut down to one school keeps the county's counts
    failing: int = 0


def section_assess(standards: Standards, section: Section, schools: list[SchoolInput]) -> SectionResult:
    """``schools``: every school expected to report this section, with or without figures."""
    judged, excluded = [], []
    for school in schools:
        excluded_type = school.school_type in standards.excluded_types
        if section not in standards.sections_of(school.school_type) and not excluded_type:
            continue
        result = school_assess(standards, section, school)
        if section_students(standards, section, school) == 0:
            continue  # a nine-year school without this section yet
        (excluded if result.status == EXCLUDED else judged).append(result)
    complete = [s for s in judged if s.status in (MET, NOT_MET)]
    summaries = [_summary(section, resource, complete) for resource in standards.indicators]
    status, reasons = _section_verdict(standards, section, judged, complete, summaries)
    return SectionResult(section, status, reasons, summaries, judged, excluded, len(judged), len(complete),
                         passing=sum(1 for s in judged if s.status == MET),
                         failing=sum(1 for s in judged if s.status == NOT_MET))


def _summary(section: Section, resource: Resource, complete: list[SchoolResult]) -> IndicatorSummary:
    pairs = [(s, next(r for r in s.results if r.indicator == resource.code)) for s in complete]
    spread = weighted_cv([s.students for s, _r in pairs], [r.raw for _s, r in pairs], resource.per_students)
    cv_ok = None if spread.cv is None else _dec(round(spread.cv, 6)) <= section.cv_max
    failing = sorted(((s, r) for s, r in pairs if r.status != MET), key=lambda pair: pair[1].ratio or 0)
    return IndicatorSummary(resource.code, resource.name_zh, resource.name_en, resource.unit, resource.decimals,
                            resource.resource_unit,
                            float(resource.standards[section.code]),
                            spread, float(section.cv_max), cv_ok, failing)


def _section_verdict(standards, section, judged, complete, summaries) -> tuple[str, list[str]]:
    if not judged:
        return NO_DATA, [_("没有参加%(section)s评估的学校") % {"section": section.label()}]
    reasons = []
    failing = [s for s in complete if s.status == NOT_MET]
    if failing:
        # counts only: a school reporter reads these reasons too, and never another school's name
        reasons.append(_("%(n)d所学校未达到“至少%(met)d项达标、其余不低于%(floor)s”") % {
            "n": len(failing), "met": standards.min_met, "floor": f"{standards.floor_share * 100:.0f}%"})
    missing = len(judged) - len(complete)
    if missing:
        reasons.append(_("%(n)d所学校数据未齐(已报%(done)d/%(all)d所)") % {
            "n": missing, "done": len(complete), "all": len(judged)})
    for item in summaries:
        if item.cv_ok is False:
            reasons.append(_("%(name)s差异系数%(cv).3f,高于%(max)s") % {
                "name": item.name_en or item.name_zh if _english() else item.name_zh, "cv": item.spread.cv,
                "max": f"{item.cv_max:.2f}"})
    if failing:
        return NOT_MET, reasons
    if missing:
        return INCOMPLETE, reasons
    if any(item.cv_ok is False for item in summaries):
        return NOT_MET, reasons
    return MET, [_("所有学校达到要求,7项指标差异系数均不高于%(max)s") % {"max": f"{section.cv_max:.2f}"}]


def split_shared(total: float, students: dict[str, int], weights: dict[str, Decimal]) -> dict[str, float]:
    """A resource shared by the sections of one school (floor area, sports ground, equipment), split by students
    weighted by section (provincial practice, e.g. 小学:初中:高中 = 1:1.1:1.32); the parts add up to the total."""
    shares = {code: Decimal(n) * weights.get(code, Decimal(1)) for code, n in students.items() if n}
    whole = sum(shares.values())
    if not whole:
        return {code: 0.0 for code in students}
    return {code: float(_dec(total) * shares.get(code, 0) / whole) for code in students}
