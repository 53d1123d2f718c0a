"""A believable 东胜区 for demos and manual testing: towns, schools, accounts, four years of figures.

Everything is first generated in memory from ``random.Random(seed)`` (so the figures never depend
on what is already in the database), then only the rows that are missing are written, in bulk.
Re-running therefore adds nothing, and leaves figures people changed by hand alone.

The district figures follow the plan's direction year by year (e.g. 普惠性幼儿园覆盖率 about
78% → 86%, 毛入园率 94% → 98.5%) while single schools scatter around them, so some miss.
"""
import datetime
import random
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from edugov.models import Profile, Role
from indicators.models import (
    DataElement,
    DataSet,
    District,
    EducationGroup,
    KindergartenGrade,
    Ownership,
    ReportingPeriod,
    School,
    SchoolType,
    Submission,
    SubmissionStatus,
    SubmissionTransition,
    SubmissionValue,
    Town,
    ValueChange,
)
from indicators.services.demo_balance import balance_figures_add
from indicators.validation import soft_check_reasons

YEARS = (2019, 2020, 2021, 2022)
OPEN_YEAR = 2022
PASSWORD = "edugov2019"
DATASETS = ("kg_yearly", "school_yearly", "health_yearly", "district_yearly")
# (code, name, is_street): the streets are the urban core, the three towns are rural.
TOWNS = [
    ("jiaotong", "交通街道", True), ("gongyuan", "公园街道", True), ("linyin", "林荫街道", True),
    ("jianshe", "建设街道", True), ("fuxing", "富兴街道", True), ("tianjiao", "天骄街道", True),
    ("hoelun", "诃额伦街道", True), ("bayinmenke", "巴音门克街道", True), ("xingfu", "幸福街道", True),
    ("fangzhi", "纺织街道", True), ("minzu", "民族街道", True), ("tongchuan", "铜川镇", False),
    ("boerjianghaizi", "泊尔江海子镇", False), ("hantai", "罕台镇", False),
]
# Share of the schools per type, for ~150 schools: 80 kindergartens, 40 primary, …
TYPE_MIX = [
    (SchoolType.KINDERGARTEN, "K", 80), (SchoolType.PRIMARY, "P", 40), (SchoolType.JUNIOR, "J", 14),
    (SchoolType.NINE_YEAR, "N", 8), (SchoolType.COMPLETE_SECONDARY, "C", 2), (SchoolType.SENIOR, "H", 6),
]
GROUPS = [
    ("东胜区第一小学教育集团", True), ("东胜区第二小学教育集团", True), ("东胜区实验中学教育集团", True),
    ("东胜区第一中学教育集团", False), ("东胜区蒙古族学校教育集团", True), ("东胜区第三小学教育集团", False),
]
PRIVATE_KG_WORDS = ("蓝天 阳光 童心 小太阳 启明星 金色摇篮 博雅 育才 "
                    "春蕾 七彩虹 小天使 贝贝 爱心 智慧树 星光 红黄蓝").split()
# District trend per year 2019..2022 (percent unless noted); schools scatter around it.
TREND = {
    "puhui": (78.0, 81.0, 83.5, 86.0), "gross": (94.0, 95.5, 97.0, 98.5), "kg2a": (55, 60, 65, 70),
    "kg_cert": (80, 86, 92, 96), "retention": (99.0, 99.3, 99.5, 99.7), "enrol": (99.8, 99.9, 99.95, 100),
    "disabled": (93.5, 95.2, 95.8, 96.3), "training": (5.1, 5.8, 6.6, 7.6), "myopia": (6.5, 6.0, 5.4, 4.8),
    "fitness": (88.0, 89.5, 91.0, 92.5), "fitness_good": (42, 45, 48, 51), "bachelor": (82, 85, 88, 91),
    "postgrad": (6.0, 8.0, 9.5, 11.0), "ict": (60, 68, 76, 82), "family": (40, 70, 95, 100),
    "arts": (50, 55, 61, 65), "certified": (95, 96.5, 98, 99), "groups": (2, 3, 4, 5),
}
RETURN_REASON = "数据与上年差异较大,请核实后重新上报"
# The README's example accounts each find work waiting: dsk001 a returned form to correct, town-linyin a form
# of its town to check (dsk001 would otherwise wait on the bureau, and no 林荫街道 kindergarten on the town).
# Only a state the draw left short of approval is replaced, so no approved figure (nor any verdict) moves.
README_EXAMPLES = {("DSK001", "kg_yearly", OPEN_YEAR): SubmissionStatus.RETURNED,
                   ("DSK010", "kg_yearly", OPEN_YEAR): SubmissionStatus.SUBMITTED}
COMPULSORY = {SchoolType.PRIMARY, SchoolType.JUNIOR, SchoolType.NINE_YEAR, SchoolType.COMPLETE_SECONDARY}


@dataclass
class SchoolSpec:
    code: str
    name: str
    school_type: str
    town: str
    ownership: str = Ownership.PUBLIC
    is_minority_language: bool = False
    group: str | None = None
    opened_year: int = 2000
    size: int = 0
    rank: float = 0.0  # place in the queue for becoming 普惠 / 二级一类 (lower = earlier)
    puhui_years: set = field(default_factory=set)
    grade_years: set = field(default_factory=set)


@dataclass
class SubmissionSpec:
    dataset: str
    year: int
    school: str | None  # None: the district-level submission
    status: str
    late: bool = False
    values: dict = field(default_factory=dict)
    explanations: dict = field(default_factory=dict)  # 说明 for the figures the form's soft checks flag


@dataclass
class DemoResult:
    created: dict
    checksum: Decimal
    rollup: str = ""


# ---------------------------------------------------------------- pure generation


def demo_generate(
    *, seed: int, schools: int, elements: Mapping[str, DataElement] | None = None
) -> tuple[list[SchoolSpec], list[SubmissionSpec]]:
    """``elements``: the definitions whose soft checks the 说明 answer (default: the definitions file)."""
    rng = random.Random(seed)
    specs = _school_specs(rng, schools)
    submissions = []
    enrolled_3_5: Counter = Counter()  # every open kindergarten's 3-5 year olds, reported or not
    _choose_yearly_flags(specs)
    for year in YEARS:
        for spec in specs:
            if spec.opened_year <= year:
                submissions.extend(_school_submissions(rng, spec, year, enrolled_3_5))
        submissions.append(_district_submission(rng, year, enrolled_3_5[year]))
    # 义务教育优质均衡 section figures: their own random streams, so every figure above stays as it was
    balance_figures_add(seed=seed, specs=specs, submissions=submissions)
    _explain_soft_checks(submissions, specs, elements if elements is not None else _elements_from_file())
    return specs, submissions


def _school_specs(rng: random.Random, total: int) -> list[SchoolSpec]:
    weights = sum(share for _, _, share in TYPE_MIX)
    specs = []
    for school_type, letter, share in TYPE_MIX:
        count = max(1, round(total * share / weights))
        specs.extend(_one_type(rng, school_type, letter, count))
    return specs


def _one_type(rng: random.Random, school_type: str, letter: str, count: int) -> list[SchoolSpec]:
    specs = []
    for n in range(1, count + 1):
        rural = rng.random() < 0.15
        town = rng.choice(TOWNS[11:] if rural else TOWNS[:11])[0]
        spec = SchoolSpec(code=f"DS{letter}{n:03d}", name="", school_type=school_type, town=town,
                          opened_year=rng.choice([1985, 1995, 2003, 2010, 2015]), rank=rng.random())
        if school_type == SchoolType.KINDERGARTEN:
            _kindergarten(rng, spec, n)
        else:
            _school(rng, spec, n)
        specs.append(spec)
    return specs


def _kindergarten(rng: random.Random, spec: SchoolSpec, n: int):
    private = n % 9 not in (1, 4, 7)  # about two in three kindergartens are 民办
    spec.ownership = Ownership.PRIVATE if private else Ownership.PUBLIC
    spec.size = rng.randint(90, 260) if private else rng.randint(220, 420)
    spec.rank += 0 if private else -1  # public ones are 普惠 and well graded first
    spec.is_minority_language = n == 3
    spec.name = _kg_name(spec, n)
    if n % 20 == 0 or n in (13, 27, 41):
        spec.opened_year = 2019 + (n // 7) % 4  # a few new kindergartens each year
    if spec.is_minority_language:
        spec.name = "东胜区蒙古族幼儿园"


def _kg_name(spec: SchoolSpec, n: int) -> str:
    town_name = dict((c, name) for c, name, _ in TOWNS)[spec.town]
    if not dict((c, street) for c, _, street in TOWNS)[spec.town]:
        return f"{town_name}{'中心' if spec.ownership == Ownership.PUBLIC else PRIVATE_KG_WORDS[n % 16]}幼儿园"
    if spec.ownership == Ownership.PUBLIC:
        return f"东胜区第{_cn(n)}幼儿园"
    return f"东胜区{PRIVATE_KG_WORDS[n % 16]}幼儿园" + ("" if n <= 16 else f"({_cn(n // 16 + 1)}园)")


def _school(rng: random.Random, spec: SchoolSpec, n: int):
    kind = {SchoolType.PRIMARY: ("小学", 300, 2200), SchoolType.JUNIOR: ("中学", 400, 2000),
            SchoolType.NINE_YEAR: ("九年制学校", 500, 2400), SchoolType.COMPLETE_SECONDARY: ("完全中学", 900, 2600),
            SchoolType.SENIOR: ("高级中学", 900, 2800)}[spec.school_type]
    spec.size = rng.randint(kind[1], kind[2])
    spec.name = f"东胜区第{_cn(n)}{kind[0]}"
    spec.is_minority_language = n == 2 and spec.school_type in (SchoolType.PRIMARY, SchoolType.JUNIOR)
    if spec.is_minority_language:
        spec.name = f"东胜区蒙古族{kind[0]}"
    if n % 8 == 5:
        spec.ownership, spec.name = Ownership.PRIVATE, f"东胜区育才{kind[0]}({_cn(n)})"
    if spec.school_type == SchoolType.PRIMARY and n in (10, 20, 30, 40):
        spec.opened_year = 2018 + n // 10
    if spec.town in ("tongchuan", "boerjianghaizi", "hantai"):
        spec.size //= 3
    if spec.school_type in COMPULSORY and rng.random() < 0.35:
        spec.group = rng.choice(GROUPS)[0]


def _cn(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n >= 100:  # a scaled-up district (benchmarks): plain numerals
        return str(n)
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return f"{'' if tens == 1 else digits[tens]}十{'' if ones == 0 else digits[ones]}"


def _choose_yearly_flags(specs: list[SchoolSpec]):
    """Which kindergartens are 普惠 / 二级一类及以上 each year: taken in rank order until the trend is met,
    so the sets only grow and the district figure follows the plan."""
    kgs = sorted((s for s in specs if s.school_type == SchoolType.KINDERGARTEN), key=lambda s: s.rank)
    for index, year in enumerate(YEARS):
        open_kgs = [s for s in kgs if s.opened_year <= year]
        total = sum(_size(s, year) for s in open_kgs)
        covered = 0
        for spec in open_kgs:
            if covered * 100 >= TREND["puhui"][index] * total and spec.ownership == Ownership.PRIVATE:
                break
            spec.puhui_years.add(year)
            covered += _size(spec, year)
        for spec in open_kgs[: round(len(open_kgs) * TREND["kg2a"][index] / 100)]:
            spec.grade_years.add(year)


def _size(spec: SchoolSpec, year: int) -> int:
    # Pupils grow ~3% a year; a school that just opened starts at half size.
    grown = spec.size * (1 + 0.03 * (year - 2019))
    return round(grown * (0.5 if spec.opened_year == year else 1))


def _rate(rng: random.Random, key: str, year: int, spread: float) -> float:
    return max(0.0, min(100.0, TREND[key][YEARS.index(year)] + rng.gauss(0, spread)))


def _part(whole: int, percent: float) -> int:
    return min(whole, round(whole * percent / 100))


def _school_submissions(rng: random.Random, spec: SchoolSpec, year: int, enrolled_3_5: Counter) -> list[SubmissionSpec]:
    if spec.school_type == SchoolType.KINDERGARTEN:
        figures = {"kg_yearly": _kg_values(rng, spec, year)}
        enrolled_3_5[year] += figures["kg_yearly"]["kg_children_3_5"]
    else:
        figures = {"school_yearly": _school_values(rng, spec, year), "health_yearly": _health_values(rng, spec, year)}
    out = []
    for dataset, values in figures.items():
        status, late = _status(rng, year, two_step=dataset == "kg_yearly")
        if status is None:
            continue
        if status != SubmissionStatus.APPROVED:
            status = README_EXAMPLES.get((spec.code, dataset, year), status)
        if status == SubmissionStatus.DRAFT:
            values = dict(list(values.items())[: len(values) // 2])  # a draft is half filled in
        out.append(SubmissionSpec(dataset, year, spec.code, status, late, values))
    return out


def _status(rng: random.Random, year: int, *, two_step: bool) -> tuple[str | None, bool]:
    roll = rng.random()
    if year < OPEN_YEAR:
        return (None, False) if roll < 0.02 else (SubmissionStatus.APPROVED, rng.random() < 0.06)
    for limit, status in ((0.10, None), (0.17, SubmissionStatus.DRAFT), (0.22, SubmissionStatus.RETURNED),
                          (0.32, SubmissionStatus.SUBMITTED), (0.40, SubmissionStatus.CHECKED)):
        if roll < limit:
            if status == SubmissionStatus.CHECKED and not two_step:
                status = SubmissionStatus.SUBMITTED
            return status, False
    return SubmissionStatus.APPROVED, False


def _kg_values(rng: random.Random, spec: SchoolSpec, year: int) -> dict:
    children = round(_size(spec, year) * rng.uniform(0.95, 1.05))
    staff = max(3, round(children / rng.uniform(7, 10)))
    return {
        "kg_open": 1, "kg_children": children, "kg_children_3_5": round(children * rng.uniform(0.93, 0.99)),
        "kg_puhui_children": children if year in spec.puhui_years else 0,
        "kg_public_children": children if spec.ownership == Ownership.PUBLIC else 0, "kg_staff": staff,
        "kg_staff_certified": _part(staff, _rate(rng, "kg_cert", year, 8)),
        "kg_grade_2a_plus": int(year in spec.grade_years), "kg_model": int(_is_model(spec, year)),
        "kg_is_new": int(spec.opened_year == year),
    }


def _is_model(spec: SchoolSpec, year: int) -> bool:
    # A third of the well graded kindergartens are 市级示范园 (the same third every year).
    return year in spec.grade_years and int(spec.rank * 3) % 3 == 0


def _school_values(rng: random.Random, spec: SchoolSpec, year: int) -> dict:
    pupils = round(_size(spec, year) * rng.uniform(0.96, 1.04))
    teachers = max(4, round(pupils / rng.uniform(12, 17)))
    funds = Decimal(pupils * rng.randint(800, 1200)).quantize(Decimal("0.01"))
    values = {
        "school_open": 1, "enrolled_start": pupils, "teachers": teachers,
        "teachers_bachelor": _part(teachers, _rate(rng, "bachelor", year, 6)),
        "teachers_certified": _part(teachers, _rate(rng, "certified", year, 2.5)), "public_funds": funds,
        "teachers_ict": _part(teachers, _rate(rng, "ict", year, 8)),
        "arts_group_students": _part(pupils, _rate(rng, "arts", year, 10)),
        "has_family_instructor": int(rng.random() * 100 < TREND["family"][YEARS.index(year)]),
        "training_funds": (funds * Decimal(_rate(rng, "training", year, 1.2)) / 100).quantize(Decimal("0.01")),
        "in_quality_group": int(spec.group is not None and dict(GROUPS)[spec.group] and year >= 2020),
    }
    # Senior high schools recruit postgraduates about three times as often (plan: 30% vs 10%).
    postgrad = _rate(rng, "postgrad", year, 3) * (3 if spec.school_type == SchoolType.SENIOR else 1)
    values["teachers_postgrad"] = min(values["teachers_bachelor"], _part(teachers, postgrad))
    if spec.school_type in COMPULSORY:
        entry = round(pupils / (6 if spec.school_type == SchoolType.PRIMARY else 4))
        catchment = round(pupils * rng.uniform(0.9, 1.0))
        values.update(cohort_entry=entry, cohort_now=_part(entry, _rate(rng, "retention", year, 1.2)),
                      school_age_children=catchment,
                      school_age_enrolled=_part(catchment, _rate(rng, "enrol", year, 0.3)))
    if spec.school_type in (SchoolType.PRIMARY, SchoolType.NINE_YEAR):
        values["is_new_primary"] = int(spec.opened_year == year)
    return values


def _health_values(rng: random.Random, spec: SchoolSpec, year: int) -> dict:
    pupils = _size(spec, year)
    tested = round(pupils * rng.uniform(0.95, 1.0))
    screened = round(pupils * rng.uniform(0.45, 0.6))
    passed = _part(tested, _rate(rng, "fitness", year, 3))
    return {"fitness_tested": tested, "fitness_passed": passed,
            "fitness_good": min(passed, _part(tested, _rate(rng, "fitness_good", year, 6))),
            "vision_screened": screened, "myopia_new": _part(screened, _rate(rng, "myopia", year, 1.5))}


def _district_submission(rng: random.Random, year: int, enrolled_3_5: int) -> SubmissionSpec:
    # The population is set so that all kindergartens together give the trend's gross enrolment rate; while
    # some have not reported, the rate over the reported ones is lower (and shown as incomplete), as it would
    # be in the bureau: the resident population does not shrink with the reports that are still missing.
    disabled = rng.randint(170, 210)
    values = {
        "pop_3_5": round(enrolled_3_5 * 100 / TREND["gross"][YEARS.index(year)]), "disabled_children": disabled,
        "disabled_enrolled": _part(disabled, TREND["disabled"][YEARS.index(year)]),
        "quality_groups_count": TREND["groups"][YEARS.index(year)],
    }
    # The bureau enters these itself and approves them at once, so 2022 dashboards have a denominator.
    return SubmissionSpec("district_yearly", year, None, SubmissionStatus.APPROVED, False, values)


# ---------------------------------------------------------------- 说明 for the soft checks

# What a school (or the bureau) writes when a figure moves beyond the element's share from last year:
# code → (when it went up, when it went down); a tuple holds wordings that schools vary between.
_JUMP_REASONS = {
    "kg_children": ("周边新建小区入住,报名人数增加,扩大了招生", "周边适龄幼儿减少,部分幼儿转入新开办的幼儿园"),
    "kg_staff": ("随班级增加,新招聘了专任教师和保育员", "部分保教人员离职,正在补充招聘"),
    "teachers": (("本年新招聘专任教师,并有教师从其他学校调入", "本年通过公开招聘和特岗计划补充了专任教师"),
                 "部分教师退休或调出,空缺岗位由区内统一补充"),
    "public_funds": ("在校生增加,生均公用经费按新标准拨付,总额增加", "在校生减少,按生均标准拨付的公用经费相应减少"),
    "training_funds": (("本年集中安排教师外出研修和国培配套项目,培训支出增加",
                        "本年承办区级教研培训活动,培训支出增加", "新教师较多,本年岗前培训和跟岗学习支出增加"),
                       "上年集中安排了外出研修,本年以校本研修为主,培训支出减少"),
    "enrolled_start": ("施教区调整,新划入小区,学生人数增加", "施教区调整,部分小区划归新建学校,学生人数减少"),
    "arts_group_students": (("本年新开设合唱、舞蹈等艺术社团,参与学生增加", "课后服务增设艺术类课程,参与学生增加",
                             "本年承办区艺术节,组建了器乐和书画兴趣小组"),
                            "部分艺术社团因指导教师调整暂停,参与学生减少"),
    "fitness_tested": ("本年按要求全员参加测试(上年部分年级未测)", "本年部分学生因病或伤免测,测试人数减少"),
    "fitness_passed": (("加强体育课和大课间锻炼,成绩提高", "落实每天校园体育活动一小时,测试成绩提高",
                        "本年开展体质健康专项训练,优良和合格人数增加"),
                       "本年测试项目调整(新增耐力项目),成绩下降"),
    "vision_screened": ("本年扩大筛查范围至全体年级", "上年新发近视学生较多,本年“上年未近视”的学生减少"),
    "myopia_new": (("本年由医院专业验光确诊,检出人数增加,已加强用眼干预", "居家线上学习时间较长,新发近视增加"),
                   ("落实近视防控措施(课间户外活动、控制电子屏幕使用),新增近视减少",
                    "开展读写姿势和眼保健操专项检查,新发近视减少")),
    "pop_3_5": ("据统计部门最新常住人口数据", "据统计部门最新常住人口数据"),
    "disabled_children": ("残联新核定一批适龄残疾儿童少年", "部分儿童超出适龄范围,核定人数减少"),
}
for _same, _as in (("kg_children_3_5", "kg_children"), ("cohort_entry", "enrolled_start"),
                   ("cohort_now", "enrolled_start"), ("school_age_children", "enrolled_start"),
                   ("school_age_enrolled", "enrolled_start"), ("fitness_good", "fitness_passed"),
                   ("disabled_enrolled", "disabled_children")):
    _JUMP_REASONS[_same] = _JUMP_REASONS[_as]


def _elements_from_file() -> dict[str, DataElement]:
    """The definitions file's elements as unsaved rows: the soft checks need only their thresholds."""
    from indicators.services.definitions import DEFAULT_FILE, definitions_read

    def number(value):
        return None if value is None else Decimal(str(value))

    return {e["code"]: DataElement(code=e["code"], name_zh=e["name_zh"], value_type=e["value_type"],
                                   expected_min=number(e.get("expected_min")),
                                   expected_max=number(e.get("expected_max")), jump_share=number(e.get("jump_share")))
            for e in definitions_read(DEFAULT_FILE)["elements"]}


def _explain_soft_checks(submissions: list[SubmissionSpec], specs: list[SchoolSpec], elements) -> None:
    """Give every figure that a soft check flags — through the same check the form runs, against the year
    before's approved figures as the form compares — the 说明 its school would have had to write to submit."""
    schools = {s.code: s for s in specs}
    approved = {(s.school, s.dataset, s.year): s.values for s in submissions if s.status == SubmissionStatus.APPROVED}
    for sub in submissions:
        before = approved.get((sub.school, sub.dataset, sub.year - 1), {})
        for code, value in sub.values.items():
            previous = None if before.get(code) is None else Decimal(before[code])
            if code in elements and soft_check_reasons(elements[code], Decimal(value), previous):
                sub.explanations[code] = _explanation(schools.get(sub.school), sub.year, elements[code],
                                                      Decimal(value), previous)


def _explanation(school: SchoolSpec | None, year: int, element: DataElement, value: Decimal, previous) -> str:
    place = "园" if school and school.school_type == SchoolType.KINDERGARTEN else "校"
    if school is not None and school.opened_year == year:
        return f"本{place}{year}年新开办,首年只开设部分班级,{element.name_zh}低于一般水平"
    if school is not None and school.opened_year == year - 1:
        return f"本{place}{school.opened_year}年开办,首年只开设部分班级,本年为开办第二年,规模扩大"
    jumped = bool(previous) and element.jump_share is not None and \
        abs(value - previous) / abs(previous) > element.jump_share
    if not jumped and school is None:  # the bureau's own figure, outside the expected range
        return f"{element.name_zh}按有关部门核定的数据填报,已核实"
    if not jumped:  # outside the expected range
        side = "低于" if element.expected_min is not None and value < element.expected_min else "高于"
        size = "小" if side == "低于" else "大"
        return f"本{place}规模较{size},{element.name_zh}{side}一般学校水平,数据已核实"
    if element.value_type == "integer" and previous < 40 and abs(value - previous) <= 12:
        return f"基数较小:上年{previous:f}人,本年{value:f}人,仅相差{abs(value - previous):f}人"
    up, down = _JUMP_REASONS.get(element.code, ("本年实际增加,数据已核实", "本年实际减少,数据已核实"))
    wordings = up if value > previous else down
    if isinstance(wordings, str):
        return wordings
    return wordings[(sum(map(ord, school.code if school else "")) + year) % len(wordings)]


# ---------------------------------------------------------------- writing


def demo_data_load(*, seed: int = 2019, schools: int = 150, today: datetime.date | None = None) -> DemoResult:
    """Write the demo district; only missing rows are added. Needs load_definitions first."""
    today = today or timezone.localdate()
    datasets = {d.code: d for d in DataSet.objects.filter(code__in=DATASETS)}
    if len(datasets) < len(DATASETS):
        raise LookupError("缺少报表定义,请先运行 manage.py load_definitions")
    elements = {e.code: e for e in DataElement.objects.all()}
    school_specs, submission_specs = demo_generate(seed=seed, schools=schools, elements=elements)
    created = {}
    before_schools = School.objects.filter(code__in=[s.code for s in school_specs]).count()
    with transaction.atomic():
        towns = _save_towns()
        school_rows = _save_schools(school_specs, towns)
        created["users"] = _save_users(school_rows, towns)
        periods = _save_periods(datasets, today)
        created["submissions"], created["values"] = _save_submissions(submission_specs, school_rows, periods)
    created["schools"] = len(school_rows) - before_schools
    return DemoResult(created=created, checksum=demo_checksum())


def demo_checksum() -> Decimal:
    """Sum of every stored demo value weighted by its position, to compare two runs."""
    total = Decimal(0)
    rows = SubmissionValue.objects.filter(submission__period__dataset__code__in=DATASETS).values_list(
        "submission__period__year", "submission__school__code", "element__code", "value")
    for year, school, element, value in rows:
        total += (value or 0) * (year - 2000) + len(school or "") + len(element)
    return total


def _save_towns() -> dict[str, Town]:
    district, _ = District.objects.get_or_create(code="dongsheng", defaults={"name": "东胜区"})
    for code, name, street in TOWNS:
        Town.objects.get_or_create(code=code, defaults={"district": district, "name": name, "is_street": street})
    return {t.code: t for t in Town.objects.filter(code__in=[c for c, _, _ in TOWNS])}


def _save_schools(specs: list[SchoolSpec], towns: dict[str, Town]) -> dict[str, School]:
    groups = {name: EducationGroup.objects.get_or_create(name=name, defaults={"is_quality": q})[0]
              for name, q in GROUPS}
    existing = set(School.objects.filter(code__in=[s.code for s in specs]).values_list("code", flat=True))
    School.objects.bulk_create([_school_row(s, towns, groups) for s in specs if s.code not in existing])
    return {s.code: s for s in School.objects.filter(code__in=[s.code for s in specs]).select_related("town")}


def _school_row(spec: SchoolSpec, towns: dict[str, Town], groups: dict[str, EducationGroup]) -> School:
    town = towns[spec.town]
    grade = ""
    if spec.school_type == SchoolType.KINDERGARTEN:
        good = OPEN_YEAR in spec.grade_years
        grade = [KindergartenGrade.MODEL, KindergartenGrade.FIRST, KindergartenGrade.SECOND_A][int(spec.rank * 3) % 3] \
            if good else [KindergartenGrade.SECOND_B, KindergartenGrade.THIRD][int(spec.rank * 10) % 2]
    return School(
        town=town, code=spec.code, name=spec.name, school_type=spec.school_type, ownership=spec.ownership,
        is_puhui=spec.school_type == SchoolType.KINDERGARTEN and OPEN_YEAR in spec.puhui_years, kg_grade=grade,
        is_minority_language=spec.is_minority_language, is_urban=town.is_street,
        education_group=groups.get(spec.group), opened_year=spec.opened_year,
        email=f"{spec.code.lower()}@example.edu.cn",
    )


def _save_users(schools: dict[str, School], towns: dict[str, Town]) -> int:
    wanted = [(code.lower(), Role.SCHOOL_REPORTER, {"school": school}) for code, school in schools.items()]
    wanted += [(f"town-{code}", Role.TOWN_REVIEWER, {"town": town}) for code, town in towns.items()]
    wanted += [("bureau-admin", Role.BUREAU_ADMIN, {}), ("bureau-reviewer", Role.BUREAU_REVIEWER, {}),
               ("leader", Role.LEADER, {})]
    existing = set(User.objects.filter(username__in=[w[0] for w in wanted]).values_list("username", flat=True))
    missing = [w for w in wanted if w[0] not in existing]
    # One hash for all: the password is the same, and hashing 150 times would take most of the run.
    password = make_password(PASSWORD)
    User.objects.bulk_create([User(username=name, password=password) for name, _, _ in missing])
    users = User.objects.in_bulk([name for name, _, _ in missing], field_name="username")
    Profile.objects.bulk_create([Profile(user=users[name], role=role, **binding) for name, role, binding in missing])
    return len(missing)


def _save_periods(datasets: dict[str, DataSet], today: datetime.date) -> dict[tuple[str, int], ReportingPeriod]:
    periods = {}
    for code, dataset in datasets.items():
        for year in YEARS:
            opens = datetime.date(year, 9, 1)
            deadline = datetime.date(year, 10, 31)
            if year == OPEN_YEAR:
                deadline = max(today + datetime.timedelta(days=10), opens)
            periods[code, year], _ = ReportingPeriod.objects.get_or_create(
                dataset=dataset, year=year, semester=None,
                defaults={"opens_on": opens, "deadline": deadline, "closed": year < OPEN_YEAR},
            )
    return periods


def _save_submissions(specs, schools, periods) -> tuple[int, int]:
    existing = set(Submission.objects.filter(period__in=periods.values()).values_list("period_id", "school_id"))
    todo = [s for s in specs if (periods[s.dataset, s.year].id, _school_id(s, schools)) not in existing]
    people = _people(schools)
    rows = [_submission_row(s, schools, periods) for s in todo]
    Submission.objects.bulk_create(rows)
    saved = {(r.period_id, r.school_id): r for r in Submission.objects.filter(period__in=periods.values())}
    elements = {e.code: e for e in DataElement.objects.all()}
    values, changes, transitions = [], [], []
    for spec in todo:
        submission = saved[periods[spec.dataset, spec.year].id, _school_id(spec, schools)]
        by = people.get(spec.school) or people["bureau-admin"]
        for code, value in spec.values.items():
            values.append(SubmissionValue(submission=submission, element=elements[code], value=Decimal(value),
                                          explanation=spec.explanations.get(code, "")))
            changes.append(ValueChange(submission=submission, element=elements[code], new_value=Decimal(value),
                                       by=by, source="form"))
        transitions.extend(_transitions(spec, submission, by, people, schools))
    SubmissionValue.objects.bulk_create(values, batch_size=2000)
    ValueChange.objects.bulk_create(changes, batch_size=2000)
    SubmissionTransition.objects.bulk_create(transitions, batch_size=2000)
    return len(todo), len(values)


def _school_id(spec: SubmissionSpec, schools: dict[str, School]) -> int | None:
    return schools[spec.school].id if spec.school else None


def _people(schools: dict[str, School]) -> dict[str, User]:
    names = [c.lower() for c in schools] + [f"town-{c}" for c, _, _ in TOWNS] + ["bureau-admin", "bureau-reviewer"]
    users = User.objects.in_bulk(names, field_name="username")
    people = {code: users[code.lower()] for code in schools}
    people.update({name: user for name, user in users.items() if not name.startswith("ds")})
    return people


def _submission_row(spec: SubmissionSpec, schools, periods) -> Submission:
    period = periods[spec.dataset, spec.year]
    submitted = approved = None
    if spec.status != SubmissionStatus.DRAFT:
        # Closed years: a few days before the deadline, or five days after it for the late ones.
        offset = 5 if spec.late else -(hash_days(spec) % 20 + 1)
        anchor = period.deadline if spec.year < OPEN_YEAR else period.opens_on + datetime.timedelta(days=30)
        submitted = _aware(anchor, offset)
    if spec.status == SubmissionStatus.APPROVED:
        approved = submitted + datetime.timedelta(days=3)
    return Submission(period=period, school_id=_school_id(spec, schools), status=spec.status, version=1,
                      submitted_at=submitted, approved_at=approved,
                      return_reason=RETURN_REASON if spec.status == SubmissionStatus.RETURNED else "")


def hash_days(spec: SubmissionSpec) -> int:
    # Stable across runs and processes (str hash is salted per process, so it is not used).
    return sum(ord(ch) for ch in f"{spec.school}{spec.dataset}{spec.year}")


def _aware(day: datetime.date, offset: int) -> datetime.datetime:
    moment = datetime.datetime.combine(day + datetime.timedelta(days=offset), datetime.time(10, 30))
    return timezone.make_aware(moment)


def _transitions(spec, submission, by, people, schools) -> list[SubmissionTransition]:
    steps = {
        SubmissionStatus.SUBMITTED: [("draft", "submitted")],
        SubmissionStatus.CHECKED: [("draft", "submitted"), ("submitted", "checked")],
        SubmissionStatus.RETURNED: [("draft", "submitted"), ("submitted", "returned")],
        SubmissionStatus.APPROVED: [("draft", "submitted")]
        + ([("submitted", "checked"), ("checked", "approved")] if spec.dataset == "kg_yearly"
           else [("submitted", "approved")]),
    }.get(spec.status, [])
    town_reviewer = people.get(f"town-{schools[spec.school].town.code}") if spec.school else None
    actors = {"submitted": by, "checked": town_reviewer or by, "approved": people["bureau-reviewer"],
              "returned": town_reviewer if spec.dataset == "kg_yearly" and town_reviewer else people["bureau-reviewer"]}
    return [SubmissionTransition(submission=submission, from_status=a, to_status=b, by=actors[b],
                                 reason=submission.return_reason if b == "returned" else "") for a, b in steps]
