"""A small, hand-written rollup result for the dashboards: the stored rows (district, towns) are written
directly; a school's value is read from its approved figures, so those are written as approved submissions.
Two towns, two schools, one indicator measured against a plan target."""
import datetime
from decimal import Decimal

from django.utils import timezone

from indicators.models import (
    DataElement,
    DataSet,
    DataSetElement,
    Indicator,
    IndicatorValue,
    ReportingPeriod,
    Submission,
    SubmissionStatus,
    SubmissionValue,
    TargetGapNote,
    TargetLink,
)
from plans.models import ActionItem, AnnualTarget, Department, ItemStatus, Plan, Programme

AS_OF = timezone.make_aware(datetime.datetime(2022, 3, 1, 9, 30))


def value_row(indicator, year, level, key, label, value, reported=2, expected=2, numerator=None, denominator=None):
    return IndicatorValue.objects.create(
        indicator=indicator, year=year, level=level, unit_key=key, unit_label=label,
        value=None if value is None else Decimal(str(value)), numerator=numerator, denominator=denominator,
        schools_expected=expected, schools_reported=reported, computed_at=AS_OF)


def approved_figures(school, year, **figures):
    """The school's approved submission of ``year`` with these figures (code → number), in a yearly data set
    holding every code used; what school values are computed from when read."""
    dataset, _ = DataSet.objects.get_or_create(code="fixture", defaults={
        "name_zh": "测试年报", "name_en": "Fixture", "period_type": "yearly"})
    period, _ = ReportingPeriod.objects.get_or_create(dataset=dataset, year=year, semester=None, defaults={
        "opens_on": datetime.date(year, 3, 1), "deadline": datetime.date(year, 6, 30)})
    submission = Submission.objects.create(period=period, school=school, status=SubmissionStatus.APPROVED,
                                           approved_at=AS_OF)
    for code, number in figures.items():
        element, _ = DataElement.objects.get_or_create(code=code, defaults={
            "name_zh": code, "name_en": code, "value_type": "decimal"})
        DataSetElement.objects.get_or_create(dataset=dataset, element=element,
                                             defaults={"order": DataSetElement.objects.count()})
        SubmissionValue.objects.create(submission=submission, element=element, value=Decimal(str(number)))
    return submission


def build(cast, *, by=None):
    """cast: the conftest cast (its schools and towns are reused)."""
    plan = Plan.objects.create(key="demo-plan", title="测试实施方案", start_year=2019, end_year=2021)
    programme = Programme.objects.create(plan=plan, number=1, name="学前教育普及普惠工程")
    coverage = Indicator.objects.create(code="puhui", name_zh="普惠性幼儿园覆盖率", name_en="Public-benefit coverage",
                                        numerator="A*100", denominator="B", unit="%", decimals=1)
    myopia = Indicator.objects.create(code="myopia", name_zh="新发近视率", name_en="New myopia", numerator="M*100",
                                      denominator="N", unit="%", decimals=1, direction="lower")
    for year, goal in [(2019, 80), (2020, 83), (2021, 86)]:
        AnnualTarget.objects.create(plan=plan, measure="puhui", name="普惠性幼儿园覆盖率", unit="%", year=year,
                                    comparator="gte", value=goal)
    AnnualTarget.objects.create(plan=plan, measure="myopia", name="近视新增发病率", unit="%", year=2021,
                                comparator="lt", value=5)
    AnnualTarget.objects.create(plan=plan, measure="policy", name="出台课后服务文件", unit="个", year=2021,
                                comparator="gte", value=1)
    # judged at every school here, so the "schools below target" list and who may see it can be tested
    TargetLink.objects.create(plan=plan, measure="puhui", indicator=coverage, tolerance=Decimal("2"), scope="school")
    TargetLink.objects.create(plan=plan, measure="myopia", indicator=myopia, tolerance=Decimal("1"))
    TargetLink.objects.create(plan=plan, measure="policy", indicator=None, note="由行动计划条目跟踪")
    a, b = cast.school_a, cast.school_b
    for year, district, town_a, town_b in [(2019, 78.0, 90.0, 60.0), (2020, 84.5, 95.0, 70.0),
                                           (2021, 84.2, 97.5, 62.5)]:
        value_row(coverage, year, "district", "district", "全区", district)
        value_row(coverage, year, "town", cast.town_a.code, cast.town_a.name, town_a, 1, 1)
        value_row(coverage, year, "town", cast.town_b.code, cast.town_b.name, town_b, 1, 1)
        approved_figures(a, year, A=town_a, B=100)  # each school is its town's only one
        approved_figures(b, year, A=town_b, B=100)
    value_row(myopia, 2021, "district", "district", "全区", 6.5)
    target_2021 = AnnualTarget.objects.get(plan=plan, measure="puhui", year=2021)
    if by is not None:
        TargetGapNote.objects.create(target=target_2021, text="两所民办园转普惠的审批延后到次年。", by=by)
    items = [(2019, 1, ItemStatus.DONE), (2019, 2, ItemStatus.IN_PROGRESS), (2020, 1, ItemStatus.DONE),
             (2021, 1, ItemStatus.DELAYED)]
    for year, order, status in items:
        item = ActionItem.objects.create(programme=programme, year=year, order=order, text=f"{year}年第{order}项",
                                         status=status, progress=100 if status == ItemStatus.DONE else 40)
        item.departments.add(cast.education if order == 1 else cast.finance)
    return plan, coverage, myopia


__all__ = ["approved_figures", "build", "value_row", "Department"]
