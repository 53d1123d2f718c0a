"""Pure arithmetic of the rollup: school figures in, indicator values of every stored level out.

No database here. Every unit's value is the formula evaluated on the *sums* of the figures of the schools
in that unit (a ratio of sums, never an average of school ratios). Only schools that reported every figure
an indicator needs go into its sums, so a numerator never comes from a school whose denominator is missing.

**Exact.** A figure has at most four decimals (``SubmissionValue.value``), so figures travel as integers
of 1/10,000 (``SCALE``) and are added up as integers: a money sum of any size keeps its last digit. The
formulas are then evaluated in ``Decimal`` on those sums and the results rounded to the six decimals that
are stored. The incremental path (``indicators.rollup.incremental``) and the school values read on demand
(``indicators.rollup.school_values``) evaluate with the same ``unit_values``, so all three agree exactly.

**Levels stored**: towns, school types, ownership, urban/rural, language, the district, and the two
cross-breakdowns town × school type and ownership × school type. A school's own value is its own figures
through the formula: it is not stored but computed when read (``school_values``).
"""
import decimal
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd

from indicators.formula import Formula

SCALE = 10_000  # figures carry four decimals: sums are exact integers of 1/10,000
_QUANTUM = Decimal("0.000001")
_EXACT = decimal.Context(prec=60, traps=[])  # x/0 gives ±Infinity or NaN, turned into "no value" below
_INT64_SAFE = 2**62  # below this a column's sum over all schools cannot overflow int64

# level → the school columns that name its units (none: the whole district)
LEVELS = {
    "town": ("town_code",),
    "school_type": ("school_type",),
    "ownership": ("ownership",),
    "area": ("area",),
    "language": ("language",),
    "district": (),
    "town_type": ("town_code", "school_type"),
    "ownership_type": ("ownership", "school_type"),
}
SCHOOL_COLUMNS = ("town_code", "school_type", "ownership", "area", "language")
OUTPUT_COLUMNS = ["indicator", "level", "unit_key", "unit_label", "numerator", "denominator", "value",
                  "schools_expected", "schools_reported", "sums"]


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    numerator: Formula
    denominator: Formula | None
    school_types: tuple[str, ...]  # empty: every type

    @property
    def codes(self) -> frozenset[str]:
        return self.numerator.codes | (self.denominator.codes if self.denominator else frozenset())

    def covers(self, school_type: str) -> bool:
        return not self.school_types or school_type in self.school_types


@dataclass
class Figures:
    """Approved figures, one row per school: ``scaled`` holds integers of 1/10,000 (int64, or Python ints in
    an object array when a sum could outgrow int64), ``present`` says which were reported."""

    school_ids: np.ndarray
    codes: list[str]
    scaled: np.ndarray
    present: np.ndarray

    @classmethod
    def empty(cls) -> "Figures":
        return cls(np.zeros(0, dtype=np.int64), [], np.zeros((0, 0), dtype=np.int64), np.zeros((0, 0), dtype=bool))

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> "Figures":
        """From a frame indexed by school id with one column per code (numbers, Decimals, NaN/None)."""
        codes = [str(c) for c in frame.columns]
        present = frame.notna().to_numpy(dtype=bool).reshape(len(frame), len(codes))
        cells = frame.to_numpy(dtype=object).reshape(len(frame), len(codes))
        scaled = np.zeros(cells.shape, dtype=object)
        for (i, j), cell in np.ndenumerate(cells):
            if present[i, j]:
                scaled[i, j] = to_scaled(cell)
        return cls(np.asarray(frame.index, dtype=np.int64), codes, fit_int64(scaled), present)

    def column(self, code: str) -> int | None:
        try:
            return self.codes.index(code)
        except ValueError:
            return None


def to_scaled(number) -> int:
    """A figure as an exact integer of 1/10,000 (a float is taken at its shortest decimal form)."""
    if isinstance(number, Decimal):
        exact = number
    elif isinstance(number, int | np.integer):
        return int(number) * SCALE
    else:
        exact = Decimal(repr(float(number)))
    return int((exact * SCALE).to_integral_value(rounding=decimal.ROUND_HALF_EVEN))


def fit_int64(scaled: np.ndarray) -> np.ndarray:
    """int64 when no column's total over every school can overflow it, else Python ints (exact, slower)."""
    if scaled.dtype != object:
        return scaled
    if not scaled.size:
        return scaled.astype(np.int64)
    largest = max((abs(int(x)) for x in scaled.flat), default=0)
    return scaled.astype(np.int64) if largest * max(len(scaled), 1) < _INT64_SAFE else scaled


def school_frame(schools: pd.DataFrame) -> pd.DataFrame:
    """Adds the derived breakdown columns (area, language) to the schools frame."""
    frame = schools.copy()
    frame["area"] = np.where(frame["is_urban"], "urban", "rural")
    frame["language"] = np.where(frame["is_minority_language"], "minority", "other")
    return frame


def unit_of(level: str, school: dict) -> tuple[str, ...]:
    """The unit of ``level`` a school (a dict of SCHOOL_COLUMNS) belongs to, as the parts of its key."""
    return tuple(str(school[column]) for column in LEVELS[level]) or ("district",)


def unit_key(parts: tuple[str, ...]) -> str:
    return "/".join(parts)


def labels_for(schools: pd.DataFrame, labels: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """For each school column that names units (and the district), unit key → display label."""
    out = {column: dict(labels.get(column, {})) for column in ("school_type", "ownership", "area", "language")}
    out["town_code"] = dict(zip(schools["town_code"].astype(str), schools["town_name"], strict=True))
    out["district"] = {"district": labels.get("district", {}).get("district", "全区")}
    return out


def unit_label(level: str, parts: tuple[str, ...], names: dict) -> str:
    """「东胜街道」, 「小学」, or for a cross-breakdown 「东胜街道·小学」."""
    if level == "district":
        return names["district"]["district"]
    return "·".join(names.get(column, {}).get(part, part) for column, part in zip(LEVELS[level], parts, strict=True))


def compute(
    *, values, schools: pd.DataFrame, district_values: dict, district_codes: set[str],
    indicators: list[IndicatorSpec], labels: dict[str, dict[str, str]],
) -> pd.DataFrame:
    """``values``: the schools' approved figures (``Figures``, or a frame indexed by school id with one column
    per code). district_codes: elements only the district reports; district_values: their approved totals."""
    figures = values if isinstance(values, Figures) else Figures.from_frame(values)
    district_scaled = {code: to_scaled(amount) for code, amount in district_values.items() if amount is not None}
    schools = school_frame(schools)
    names = labels_for(schools, labels)
    row_of = {int(school_id): n for n, school_id in enumerate(figures.school_ids.tolist())}
    units: dict[tuple[str, ...], _Units] = {}
    parts = []
    for spec in indicators:
        if spec.school_types not in units:
            units[spec.school_types] = _Units(schools, spec.school_types, names, row_of)
        part = _one_indicator(spec, units[spec.school_types], figures, district_scaled, district_codes)
        if part is not None:
            parts.append(part)
    if not parts:
        return pd.DataFrame(columns=OUTPUT_COLUMNS)
    return pd.concat(parts, ignore_index=True)[OUTPUT_COLUMNS]


class _Units:
    """For the schools an indicator covers: each level's units (sorted by key), their labels and expected
    school counts, and the order that groups the covered schools unit by unit."""

    def __init__(self, schools: pd.DataFrame, school_types: tuple[str, ...], names: dict, row_of: dict):
        covered = schools if not school_types else schools[schools["school_type"].isin(school_types)]
        self.count = len(covered)
        # each covered school's row in the figures (-1: it reported nothing)
        self.figure_rows = np.array([row_of.get(int(i), -1) for i in covered["id"].tolist()], dtype=np.int64)
        self.levels = {}
        for level, columns in LEVELS.items():
            if columns:
                parts = [covered[column].astype(str).tolist() for column in columns]
                keys = np.array(["/".join(p) for p in zip(*parts, strict=True)] if len(parts) > 1 else parts[0],
                                dtype=object)
            else:
                keys = np.full(self.count, "district", dtype=object)
            unique, inverse = np.unique(keys.astype(str), return_inverse=True) if self.count else (
                np.array([], dtype=str), np.array([], dtype=np.int64))
            order = np.argsort(inverse, kind="stable")
            expected = np.bincount(inverse, minlength=len(unique)).astype(np.int64)
            self.levels[level] = {
                "keys": [str(k) for k in unique],
                "labels": [unit_label(level, tuple(str(k).split("/")) if columns else ("district",), names)
                           for k in unique],
                "expected": expected,
                "order": order,
                "starts": np.concatenate([[0], np.cumsum(expected)[:-1]]).astype(np.int64) if len(unique) else
                np.zeros(0, dtype=np.int64),
            }


def _one_indicator(spec, units: _Units, figures: Figures, district_scaled: dict, district_codes: set):
    school_codes = sorted(spec.codes - district_codes)
    levels = list(LEVELS) if school_codes else ["district"]
    columns = [figures.column(code) for code in school_codes]
    known = units.figure_rows >= 0
    if school_codes and all(c is not None for c in columns) and units.count:
        rows = np.where(known, units.figure_rows, 0)
        present = figures.present[rows][:, columns] if len(figures.codes) else np.zeros((units.count, 0), bool)
        mask = known & present.all(axis=1)
        cells = figures.scaled[rows][:, columns]
        cells = cells * mask[:, None] if cells.dtype != object else np.where(mask[:, None], cells, 0)
    else:  # a figure nobody reported (or a district-only indicator): no school is complete
        mask = np.zeros(units.count, dtype=bool)
        cells = np.zeros((units.count, len(school_codes)), dtype=np.int64)
    blocks = []
    for level in levels:
        unit = units.levels[level]
        if not unit["keys"]:
            if level != "district":
                continue
            unit = {"keys": ["district"], "labels": [units.levels["district"]["labels"][0]
                                                      if units.levels["district"]["labels"] else "全区"],
                    "expected": np.zeros(1, dtype=np.int64), "order": np.zeros(0, dtype=np.int64),
                    "starts": np.zeros(1, dtype=np.int64)}
        if len(unit["order"]) and school_codes:
            sums = np.add.reduceat(cells[unit["order"]], unit["starts"], axis=0)
            reported = np.add.reduceat(mask[unit["order"]].astype(np.int64), unit["starts"])
        else:
            sums = np.zeros((len(unit["keys"]), len(school_codes)), dtype=np.int64)
            reported = np.zeros(len(unit["keys"]), dtype=np.int64)
        blocks.append((level, unit, sums, reported))
    if not blocks:
        return None
    sums = np.concatenate([b[2] for b in blocks], axis=0)
    reported = np.concatenate([b[3] for b in blocks])
    is_district = np.concatenate([np.full(len(b[1]["keys"]), b[0] == "district") for b in blocks])
    numerator, denominator, value = unit_values(spec, school_codes, sums, reported, is_district, district_scaled)
    expected = np.concatenate([b[1]["expected"] for b in blocks]) if school_codes else \
        np.zeros(len(reported), dtype=np.int64)
    return pd.DataFrame({
        "indicator": spec.code,
        "level": [b[0] for b in blocks for _ in b[1]["keys"]],
        "unit_key": [k for b in blocks for k in b[1]["keys"]],
        "unit_label": [label for b in blocks for label in b[1]["labels"]],
        "numerator": numerator, "denominator": denominator, "value": value,
        "schools_expected": expected.astype(np.int64), "schools_reported": reported.astype(np.int64),
        "sums": [dict(zip(school_codes, (int(x) for x in row), strict=True)) for row in sums],
    })


def unit_values(spec: IndicatorSpec, school_codes: list[str], sums: np.ndarray, reported: np.ndarray,
                is_district: np.ndarray, district_scaled: dict) -> tuple[list, list, list]:
    """Numerator, denominator and value (Decimals to six places, None for no value) of each unit row, from
    its exact sums. A unit where no school is complete has no value; a code only the district reports is
    known at the district row only. Shared by the full run, the incremental path and the school values."""
    n = len(reported)
    with decimal.localcontext(_EXACT):
        columns = {code: _decimals(sums[:, j]) for j, code in enumerate(school_codes)}
        for code, amount in district_scaled.items():
            if code in spec.codes and code not in columns:
                column = np.full(n, None, dtype=object)
                column[is_district] = Decimal(amount).scaleb(-4)
                columns[code] = column
        numerator = _evaluate(spec.numerator, columns, n)
        denominator = _evaluate(spec.denominator, columns, n) if spec.denominator else np.full(n, None, object)
        if school_codes:
            none = reported == 0
            numerator[none] = None
            denominator[none] = None
        value = np.full(n, None, dtype=object)
        for i in range(n):
            top, bottom = numerator[i], denominator[i]
            if top is None:
                continue
            if spec.denominator is None:
                value[i] = top
            elif bottom is not None and bottom != 0:
                value[i] = _finite(top / bottom)
        return _rounded(numerator), _rounded(denominator), _rounded(value)


def _decimals(column: np.ndarray) -> np.ndarray:
    out = np.empty(len(column), dtype=object)
    out[:] = [Decimal(int(x)).scaleb(-4) for x in column.tolist()]
    return out


def _evaluate(formula: Formula, columns: dict, n: int) -> np.ndarray:
    """The formula on object arrays of Decimals (None where a code is unknown at that row)."""
    present = {code: columns[code] for code in formula.codes if code in columns}
    if len(present) < len(formula.codes):
        return np.full(n, None, dtype=object)
    result = np.full(n, None, dtype=object)
    usable = np.ones(n, dtype=bool)
    for column in present.values():
        usable &= np.array([x is not None for x in column], dtype=bool)
    if not usable.any():
        return result
    evaluated = formula.evaluate_exact({code: column[usable] for code, column in present.items()})
    if isinstance(evaluated, np.ndarray):
        result[usable] = [_finite(x) for x in evaluated.tolist()]
    elif evaluated is not None:
        result[usable] = _finite(evaluated)
    return result


def _finite(number):
    if number is None:
        return None
    number = Decimal(number) if not isinstance(number, Decimal) else number
    return number if number.is_finite() else None


def _rounded(column: np.ndarray) -> list:
    with decimal.localcontext(_EXACT):
        return [None if x is None else x.quantize(_QUANTUM, rounding=decimal.ROUND_HALF_EVEN) for x in column]
