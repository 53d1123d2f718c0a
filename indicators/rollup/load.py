"""Read what the rollup needs. The heavy part is one SQL GROUP BY: only per-school sums leave
the database, never the raw value rows."""
import io
from decimal import Decimal

import numpy as np
import pandas as pd
from django.db import DataError, connection, transaction

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
from indicators.rollup.engine import Figures, IndicatorSpec, fit_int64

# Per school and element, the approved figures of the year as exact integers of 1/10,000 (a figure has four
# decimals). For a per-semester data set only the latest approved semester counts, so two semesters are never
# added up. {scaled} is the vendor's exact integer sum; {where} narrows to some schools.
_SCHOOL_SUMS = """
SELECT p.year, s.school_id, e.code, {scaled}
FROM indicators_submissionvalue v
JOIN indicators_submission s ON s.id = v.submission_id
JOIN indicators_reportingperiod p ON p.id = s.period_id
JOIN indicators_dataelement e ON e.id = v.element_id
WHERE p.year IN ({years}) AND s.status = %s AND s.school_id IS NOT NULL AND v.value IS NOT NULL {where}
  AND (p.semester IS NULL OR p.semester = (
        SELECT MAX(p2.semester) FROM indicators_submission s2
        JOIN indicators_reportingperiod p2 ON p2.id = s2.period_id
        WHERE s2.school_id = s.school_id AND p2.dataset_id = p.dataset_id AND p2.year = p.year
          AND s2.status = %s))
GROUP BY p.year, s.school_id, e.code
"""
_SCALED = {"postgresql": "SUM(v.value * 10000)",  # numeric: exact at any size
           "sqlite": "SUM(CAST(ROUND(v.value * 10000) AS INTEGER))"}

_DISTRICT_SUMS = """
SELECT e.code, SUM(v.value)
FROM indicators_submissionvalue v
JOIN indicators_submission s ON s.id = v.submission_id
JOIN indicators_reportingperiod p ON p.id = s.period_id
JOIN indicators_dataelement e ON e.id = v.element_id
WHERE p.year = %(year)s AND s.status = %(approved)s AND s.school_id IS NULL AND v.value IS NOT NULL
GROUP BY e.code
"""


# The same figures on PostgreSQL for a whole year, by element id and as int8 integers of 1/10,000 (exact; a
# figure past int8 raises and the exact numeric path above takes over), streamed as binary COPY rows of fixed
# width that numpy reads without a Python object per figure. No GROUP BY: a school reports an element once a
# year but for the rare element in two of its data sets, and numpy adds those up; the hash aggregate of 4M
# groups spilled to disk and took more than half of a province year's load (4.7 s → 2.1 s measured).
_SCHOOL_SUMS_PG = """
SELECT s.school_id::int8, v.element_id::int8, (v.value * 10000)::int8
FROM indicators_submissionvalue v
JOIN indicators_submission s ON s.id = v.submission_id
JOIN indicators_reportingperiod p ON p.id = s.period_id
WHERE p.year = %(year)s AND s.status = %(approved)s AND s.school_id IS NOT NULL AND v.value IS NOT NULL
  AND (p.semester IS NULL OR p.semester = (
        SELECT MAX(p2.semester) FROM indicators_submission s2
        JOIN indicators_reportingperiod p2 ON p2.id = s2.period_id
        WHERE s2.school_id = s.school_id AND p2.dataset_id = p.dataset_id AND p2.year = p.year
          AND s2.status = %(approved)s))
"""
_COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
_COPY_ROW = np.dtype([("fields", ">i2"), ("school_size", ">i4"), ("school", ">i8"), ("element_size", ">i4"),
                      ("element", ">i8"), ("value_size", ">i4"), ("value", ">i8")])


def school_figures_of(*, years, school_ids=None, codes=None) -> dict[tuple[int, int], dict[str, int]]:
    """(year, school id) → {code: figure as an integer of 1/10,000}: the approved figures of some schools (or
    all) and some element codes (or all), exactly as the full rollup reads them. Used for school values on
    read and the incremental path."""
    years = [int(y) for y in years]
    if not years or (school_ids is not None and not school_ids) or (codes is not None and not codes):
        return {}
    params: list = [*years, SubmissionStatus.APPROVED]
    where = ""
    if school_ids is not None:
        ids = [int(i) for i in school_ids]
        where = f"AND s.school_id IN ({', '.join(['%s'] * len(ids))})"
        params += ids
    if codes is not None:
        codes = sorted(codes)
        where += f" AND e.code IN ({', '.join(['%s'] * len(codes))})"
        params += codes
    params.append(SubmissionStatus.APPROVED)
    sql = _SCHOOL_SUMS.format(scaled=_SCALED.get(connection.vendor, _SCALED["postgresql"]),
                              years=", ".join(["%s"] * len(years)), where=where)
    out: dict[tuple[int, int], dict[str, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for year, school_id, code, scaled in cursor.fetchall():
            out.setdefault((int(year), int(school_id)), {})[code] = int(scaled)
    return out


def school_sums(year: int) -> Figures:
    """Every school's approved figures of the year."""
    if connection.vendor == "postgresql":
        try:
            with transaction.atomic():
                return _school_sums_postgresql(year)
        except DataError:  # a school's sum past int8 (9.2 × 10^14 at four decimals): the exact numeric path
            pass
    by_school = {school: figures for (_, school), figures in school_figures_of(years=[year]).items()}
    codes = sorted({code for figures in by_school.values() for code in figures})
    column = {code: j for j, code in enumerate(codes)}
    school_ids = np.array(sorted(by_school), dtype=np.int64)
    scaled = np.zeros((len(school_ids), len(codes)), dtype=object)
    present = np.zeros((len(school_ids), len(codes)), dtype=bool)
    for i, school in enumerate(school_ids.tolist()):
        for code, amount in by_school[school].items():
            scaled[i, column[code]] = amount
            present[i, column[code]] = True
    return Figures(school_ids, codes, fit_int64(scaled), present)


def _school_sums_postgresql(year: int) -> Figures:
    params = {"year": year, "approved": SubmissionStatus.APPROVED}
    buffer = io.BytesIO()
    with connection.cursor() as cursor:
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
        return Figures.empty()
    school_ids, school_at = np.unique(rows["school"].astype(np.int64), return_inverse=True)
    element_ids, element_at = np.unique(rows["element"].astype(np.int64), return_inverse=True)
    code_of = dict(DataElement.objects.filter(id__in=element_ids.tolist()).values_list("id", "code"))
    codes = [code_of[i] for i in element_ids.tolist()]
    values = rows["value"].astype(np.int64)
    cell = school_at.astype(np.int64) * len(codes) + element_at
    times = np.bincount(cell, minlength=len(school_ids) * len(codes))
    scaled = np.zeros(len(school_ids) * len(codes), dtype=np.int64)
    if times.max(initial=0) > 1:  # an element in two of a school's data sets: their figures add up
        if int(np.abs(values).max(initial=0)) * int(times.max()) >= 2**62:
            scaled = scaled.astype(object)
            values = values.astype(object)
        np.add.at(scaled, cell, values)
    else:
        scaled[cell] = values
    scaled = scaled.reshape(len(school_ids), len(codes))
    present = (times > 0).reshape(len(school_ids), len(codes))
    largest = int(np.abs(scaled).max(initial=0)) if scaled.dtype != object else 0
    if scaled.dtype != object and largest * max(len(school_ids), 1) >= 2**62:  # a sum over every school could
        scaled = scaled.astype(object)  # overflow int64: Python ints
    return Figures(school_ids, codes, scaled, present)


def district_sums(year: int) -> dict[str, Decimal]:
    with connection.cursor() as cursor:
        cursor.execute(_DISTRICT_SUMS, {"year": year, "approved": SubmissionStatus.APPROVED})
        return {code: _exact(total) for code, total in cursor.fetchall()}


def _exact(number) -> Decimal:
    return number if isinstance(number, Decimal) else Decimal(repr(number)) if isinstance(number, float) \
        else Decimal(number)


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
