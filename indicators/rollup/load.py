"""Read what the rollup needs. The heavy part is one SQL GROUP BY: only per-school sums leave
the database, never the raw value rows."""
import pandas as pd
from django.db import connection

from indicators.formula import parse
from indicators.models import DataSetElement, Indicator, ReportingPeriod, School, SchoolType, SubmissionStatus
from indicators.rollup.engine import IndicatorSpec

# Per school and element, the approved figures of the year. For a per-semester data set only the
# latest approved semester counts, so two semesters are never added up.
_SCHOOL_SUMS = """
SELECT s.school_id, e.code, SUM(v.value)
FROM indicators_submissionvalue v
JOIN indicators_submission s ON s.id = v.submission_id
JOIN indicators_reportingperiod p ON p.id = s.period_id
JOIN indicators_dataelement e ON e.id = v.element_id
WHERE p.year = %(year)s AND s.status = %(approved)s AND s.school_id IS NOT NULL AND v.value IS NOT NULL
  AND (p.semester IS NULL OR p.semester = (
        SELECT MAX(p2.semester) FROM indicators_submission s2
        JOIN indicators_reportingperiod p2 ON p2.id = s2.period_id
        WHERE s2.school_id = s.school_id AND p2.dataset_id = p.dataset_id AND p2.year = p.year
          AND s2.status = %(approved)s))
GROUP BY s.school_id, e.code
"""

_DISTRICT_SUMS = """
SELECT e.code, SUM(v.value)
FROM indicators_submissionvalue v
JOIN indicators_submission s ON s.id = v.submission_id
JOIN indicators_reportingperiod p ON p.id = s.period_id
JOIN indicators_dataelement e ON e.id = v.element_id
WHERE p.year = %(year)s AND s.status = %(approved)s AND s.school_id IS NULL AND v.value IS NOT NULL
GROUP BY e.code
"""


def school_sums(year: int) -> pd.DataFrame:
    with connection.cursor() as cursor:
        cursor.execute(_SCHOOL_SUMS, {"year": year, "approved": SubmissionStatus.APPROVED})
        rows = cursor.fetchall()
    long = pd.DataFrame(rows, columns=["school_id", "code", "value"])
    if long.empty:
        return pd.DataFrame(index=pd.Index([], name="school_id"))
    long["value"] = long["value"].astype(float)
    return long.pivot(index="school_id", columns="code", values="value")


def district_sums(year: int) -> dict[str, float]:
    with connection.cursor() as cursor:
        cursor.execute(_DISTRICT_SUMS, {"year": year, "approved": SubmissionStatus.APPROVED})
        return {code: float(total) for code, total in cursor.fetchall()}


def district_codes() -> set[str]:
    return set(DataSetElement.objects.filter(dataset__is_district_level=True).values_list("element__code", flat=True))


def schools() -> pd.DataFrame:
    fields = ["id", "code", "name", "school_type", "ownership", "is_urban", "is_minority_language",
              "town__code", "town__name"]
    frame = pd.DataFrame.from_records(School.objects.filter(active=True).values_list(*fields), columns=fields)
    return frame.rename(columns={"town__code": "town_code", "town__name": "town_name"})


def indicator_specs() -> list[IndicatorSpec]:
    return [
        IndicatorSpec(code=i.code, numerator=parse(i.numerator),
                      denominator=parse(i.denominator) if i.denominator.strip() else None,
                      school_types=tuple(i.school_types or ()))
        for i in Indicator.objects.order_by("code")
    ]


def unit_labels() -> dict[str, dict[str, str]]:
    return {
        "school_type": {k: str(v) for k, v in SchoolType.choices},
        "ownership": {"public": "公办", "private": "民办"},
        "area": {"urban": "城区", "rural": "农村"},
        "language": {"minority": "蒙语授课", "other": "其他"},
        "district": {"district": "全区"},
    }


def years_with_periods() -> list[int]:
    return sorted(set(ReportingPeriod.objects.values_list("year", flat=True)))
