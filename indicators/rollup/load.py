"""Read what the rollup needs. The heavy part is one SQL GROUP BY: only per-school sums leave
the database, never the raw value rows."""
import io

import numpy as np
import pandas as pd
from django.db import connection, transaction

from indicators.formula import parse
from indicators.models import (
    DataElement,
    DataSetElement,
    Indicator,
    ReportingPeriod,
    School,
    SchoolType,
    SubmissionStatus,
)
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


# The same sums on PostgreSQL, by element id and as float8 (numeric → float8 goes through the decimal
# text and strtod, so it is the very float that float(Decimal) gives), streamed as binary COPY rows
# of fixed width that numpy reads without a Python object per figure.
_SCHOOL_SUMS_PG = """
SELECT s.school_id::int8, v.element_id::int8, SUM(v.value)::float8
FROM indicators_submissionvalue v
JOIN indicators_submission s ON s.id = v.submission_id
JOIN indicators_reportingperiod p ON p.id = s.period_id
WHERE p.year = %(year)s AND s.status = %(approved)s AND s.school_id IS NOT NULL AND v.value IS NOT NULL
  AND (p.semester IS NULL OR p.semester = (
        SELECT MAX(p2.semester) FROM indicators_submission s2
        JOIN indicators_reportingperiod p2 ON p2.id = s2.period_id
        WHERE s2.school_id = s.school_id AND p2.dataset_id = p.dataset_id AND p2.year = p.year
          AND s2.status = %(approved)s))
GROUP BY s.school_id, v.element_id
"""
_COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
_COPY_ROW = np.dtype([("fields", ">i2"), ("school_size", ">i4"), ("school", ">i8"), ("element_size", ">i4"),
                      ("element", ">i8"), ("value_size", ">i4"), ("value", ">f8")])


def school_sums(year: int) -> pd.DataFrame:
    """One row per school (index school_id), one column per element code, NaN where nothing was approved."""
    if connection.vendor == "postgresql":
        return _school_sums_postgresql(year)
    with connection.cursor() as cursor:
        cursor.execute(_SCHOOL_SUMS, {"year": year, "approved": SubmissionStatus.APPROVED})
        rows = cursor.fetchall()
    long = pd.DataFrame(rows, columns=["school_id", "code", "value"])
    if long.empty:
        return pd.DataFrame(index=pd.Index([], name="school_id"))
    long["value"] = long["value"].astype(float)
    return long.pivot(index="school_id", columns="code", values="value")


def _school_sums_postgresql(year: int) -> pd.DataFrame:
    params = {"year": year, "approved": SubmissionStatus.APPROVED}
    buffer = io.BytesIO()
    with transaction.atomic(), connection.cursor() as cursor:
        # JIT compiling costs more than it saves on this one-off query; the setting is put back after.
        cursor.execute("SELECT current_setting('jit'), set_config('jit', 'off', true)")
        jit = cursor.fetchone()[0]
        try:
            query = cursor.mogrify(_SCHOOL_SUMS_PG, params).decode()
            cursor.copy_expert(f"COPY ({query}) TO STDOUT (FORMAT binary)", buffer)
        finally:
            cursor.execute("SELECT set_config('jit', %s, true)", [jit])
    data = buffer.getbuffer()
    header = 19  # signature, flags, header extension length (0)
    count, rest = divmod(len(data) - header - 2, _COPY_ROW.itemsize)  # 2: the trailer
    if bytes(data[:11]) != _COPY_SIGNATURE or rest or bytes(data[15:19]) != b"\0\0\0\0":
        raise ValueError("unexpected COPY output")
    rows = np.frombuffer(data, dtype=_COPY_ROW, count=count, offset=header)
    if count and not ((rows["fields"] == 3).all() and (rows["school_size"] == 8).all()
                      and (rows["element_size"] == 8).all() and (rows["value_size"] == 8).all()):
        raise ValueError("unexpected COPY row")  # a NULL would show as size -1; none can (value IS NOT NULL)
    if not count:
        return pd.DataFrame(index=pd.Index([], name="school_id"))
    school_ids, school_at = np.unique(rows["school"].astype(np.int64), return_inverse=True)
    element_ids, element_at = np.unique(rows["element"].astype(np.int64), return_inverse=True)
    code_of = dict(DataElement.objects.filter(id__in=element_ids.tolist()).values_list("id", "code"))
    codes = [code_of[i] for i in element_ids.tolist()]
    order = sorted(range(len(codes)), key=codes.__getitem__)  # columns sorted by code, as pivot() does
    column_of = np.empty(len(order), dtype=np.intp)
    column_of[order] = np.arange(len(order))
    grid = np.full((len(school_ids), len(codes)), np.nan)
    grid[school_at, column_of[element_at]] = rows["value"].astype(np.float64)
    return pd.DataFrame(grid, index=pd.Index(school_ids, name="school_id"),
                        columns=pd.Index([codes[i] for i in order], name="code"))


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
