"""A school's indicator values, computed when read: its own approved figures through the formula.

The stored rollup holds only units of several schools (towns, types, the district…); 98.9% of what it used
to write were school rows, which are nothing but each school's own figures. They are evaluated here with the
engine's own ``unit_values``, so a school's value is exactly what a unit made of that one school would be.
One query reads the figures of the schools asked for (one school, or every school of a unit).
"""
from functools import lru_cache

import numpy as np
from django.utils import timezone

from indicators.formula import parse
from indicators.rollup import load
from indicators.rollup.engine import IndicatorSpec, unit_values


@lru_cache(maxsize=512)
def _spec(code: str, numerator: str, denominator: str, school_types: tuple) -> IndicatorSpec:
    return IndicatorSpec(code=code, numerator=parse(numerator),
                         denominator=parse(denominator) if denominator.strip() else None, school_types=school_types)


def spec_of(indicator) -> IndicatorSpec:
    return _spec(indicator.code, indicator.numerator, indicator.denominator, tuple(indicator.school_types or ()))


def own_values(spec: IndicatorSpec, codes: list[str], figures: list[dict[str, int]]):
    """Numerator, denominator, value and reported (1/0) of each school from its own figures (code → integer
    of 1/10,000): a unit of one school, evaluated like every stored unit."""
    sums = np.zeros((len(figures), len(codes)), dtype=object)
    reported = np.zeros(len(figures), dtype=np.int64)
    for n, own in enumerate(figures):
        if all(code in own for code in codes):
            sums[n] = [own[code] for code in codes]
            reported[n] = 1
    numerator, denominator, value = unit_values(spec, codes, sums, reported, np.zeros(len(figures), bool), {})
    return numerator, denominator, value, reported


class EveryActiveSchool(list):
    """The active schools, marked so the figures are read without a list of their ids."""

    every_active_school = True


def every_active_school(queryset) -> EveryActiveSchool:
    return EveryActiveSchool(queryset.filter(active=True).only(
        "id", "code", "name", "school_type").order_by("code"))


def school_values(*, indicators, years, schools) -> list[dict]:
    """One row per (indicator, year, covered school): the keys of a stored IndicatorValue row (level "school",
    schools_expected 1, schools_reported 1 when the school reported every figure the indicator needs), plus
    ``indicator_id``. A school that is not covered by an indicator (its school types) has no row for it."""
    every = getattr(schools, "every_active_school", False)
    indicators, years, schools = list(indicators), sorted({int(y) for y in years}), list(schools)
    if not indicators or not years or not schools:
        return []
    district_only = load.district_codes()
    needed = set().union(*(spec_of(i).codes for i in indicators)) - district_only
    # every active school: no id list in the query (thousands of ids), only the codes the indicators need
    figures = load.school_figures_of(years=years, school_ids=None if every else [s.id for s in schools],
                                     codes=needed)
    now = timezone.now()
    rows = []
    for indicator in indicators:
        spec = spec_of(indicator)
        codes = sorted(spec.codes - district_only)
        if not codes:
            continue  # a figure only the district reports has no school value
        units = [(school, year) for school in schools if spec.covers(school.school_type) for year in years]
        if not units:
            continue
        numerator, denominator, value, reported = own_values(
            spec, codes, [figures.get((year, school.id), {}) for school, year in units])
        for n, (school, year) in enumerate(units):
            rows.append({
                "indicator_id": indicator.id, "indicator": indicator, "year": year, "level": "school",
                "unit_key": school.code, "unit_label": school.name, "numerator": numerator[n],
                "denominator": denominator[n], "value": value[n], "schools_expected": 1,
                "schools_reported": int(reported[n]), "computed_at": now,
            })
    return rows
