"""Pure arithmetic of the rollup: DataFrames in, a DataFrame of indicator values out.

No database here. Every level's value is the formula evaluated on the *sums* of the figures of
the schools in that unit (a ratio of sums, never an average of school ratios). Only schools that
reported every figure an indicator needs go into its sums, so a numerator never comes from a
school whose denominator is missing.
"""
from dataclasses import dataclass

import numpy as np
import pandas as pd

from indicators.formula import Formula

# level → the school column that names its units (None: the whole district)
LEVELS = {
    "school": "code",
    "town": "town_code",
    "school_type": "school_type",
    "ownership": "ownership",
    "area": "area",
    "language": "language",
    "district": None,
}
OUTPUT_COLUMNS = ["indicator", "level", "unit_key", "unit_label", "numerator", "denominator", "value",
                  "schools_expected", "schools_reported"]


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    numerator: Formula
    denominator: Formula | None
    school_types: tuple[str, ...]  # empty: every type

    @property
    def codes(self) -> frozenset[str]:
        return self.numerator.codes | (self.denominator.codes if self.denominator else frozenset())


def school_frame(schools: pd.DataFrame) -> pd.DataFrame:
    """Adds the derived breakdown columns (area, language) to the schools frame."""
    frame = schools.copy()
    frame["area"] = np.where(frame["is_urban"], "urban", "rural")
    frame["language"] = np.where(frame["is_minority_language"], "minority", "other")
    return frame


def labels_for(schools: pd.DataFrame, labels: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """unit key → display label for each level."""
    out = {level: dict(labels.get(level, {})) for level in LEVELS}
    out["school"] = dict(zip(schools["code"], schools["name"], strict=True))
    out["town"] = dict(zip(schools["town_code"], schools["town_name"], strict=True))
    out["district"] = {"district": labels.get("district", {}).get("district", "全区")}
    return out


def compute(
    *, values: pd.DataFrame, schools: pd.DataFrame, district_values: dict[str, float], district_codes: set[str],
    indicators: list[IndicatorSpec], labels: dict[str, dict[str, str]],
) -> pd.DataFrame:
    """values: one row per school (index: school id) with one column per element code, the sums of
    its approved figures. district_codes: elements that only the district reports."""
    schools = school_frame(schools)
    names = labels_for(schools, labels)
    wide = schools.set_index("id").join(values, how="left")
    units: dict[tuple[str, ...], _Units] = {}  # the units of every level, once per set of covered school types
    parts = []
    for spec in indicators:
        if spec.school_types not in units:
            units[spec.school_types] = _Units(wide, spec.school_types, names)
        part = _one_indicator(spec, units[spec.school_types], district_values, district_codes)
        if part["unit_key"]:
            parts.append(part)
    if not parts:
        return pd.DataFrame(columns=OUTPUT_COLUMNS)
    columns = {}
    for column in OUTPUT_COLUMNS:
        pieces = [part[column] for part in parts]
        columns[column] = [item for piece in pieces for item in piece] if isinstance(pieces[0], list) \
            else np.concatenate(pieces)
    return pd.DataFrame(columns)[OUTPUT_COLUMNS]


class _Units:
    """For the schools an indicator covers: each level's units (in value_counts order), their labels and
    expected school counts, and each covered school's unit position per level."""

    def __init__(self, wide: pd.DataFrame, school_types: tuple[str, ...], names: dict):
        self.covered = wide if not school_types else wide[wide["school_type"].isin(school_types)]
        self.levels = {}
        for level, column in LEVELS.items():
            keys_all = self.covered[column] if column else pd.Series("district", index=self.covered.index)
            expected = keys_all.value_counts()
            keys = list(expected.index.astype(str))
            self.levels[level] = {
                "index": expected.index,
                "keys": keys,
                "labels": [names[level].get(key, key) for key in keys],
                "expected": expected.to_numpy(),
                "position": expected.index.get_indexer(keys_all),
                "keys_all": keys_all,
            }
        # One school per unit: a school's "sum" is its own figures, no group-by needed.
        school = self.levels["school"]
        self.school_order = np.argsort(school["position"]) if len(school["keys"]) == len(self.covered) else None


def _one_indicator(spec: IndicatorSpec, units: _Units, district_values: dict, district_codes: set) -> dict:
    covered = units.covered
    school_codes = sorted(spec.codes - district_codes)
    if any(code not in covered.columns for code in school_codes):
        mask = np.zeros(len(covered), dtype=bool)  # a figure nobody reported: no school is complete
        school_codes = [c for c in school_codes if c in covered.columns]
    elif school_codes:
        mask = covered[school_codes].notna().all(axis=1).to_numpy()
    else:
        mask = np.zeros(len(covered), dtype=bool)
    complete = covered[school_codes][mask]
    # a figure only the district reports has no school, town or type breakdown
    levels = list(LEVELS) if school_codes else ["district"]
    blocks = []
    for level in levels:
        unit = units.levels[level]
        keys = unit["keys_all"].array[mask]
        if level == "school" and units.school_order is not None:
            sums = _own_figures(covered[school_codes], mask, units.school_order, pd.Index(keys))
        else:
            # The very group-by of each level on its own keys: pandas adds up sorted and unsorted groups
            # differently (reduceat or Kahan), and a figure must not change in its last bit.
            sums = complete.groupby(keys).sum().reindex(unit["index"]).reset_index(drop=True)
        if level == "district":
            for code, amount in district_values.items():
                if code in spec.codes:
                    sums[code] = amount
        blocks.append(sums)
    # Each level's formula is evaluated on its own sums; stacking the levels only saves calls.
    sums = pd.concat(blocks, ignore_index=True)
    num = _evaluate(spec.numerator, sums)
    den = _evaluate(spec.denominator, sums) if spec.denominator else None
    value = num if den is None else num.where(den.notna() & (den != 0)) / den.where(den != 0)
    level_units = [units.levels[level] for level in levels]
    sizes = [len(unit["keys"]) for unit in level_units]
    total = sum(sizes)
    if school_codes:
        expected = np.concatenate([unit["expected"] for unit in level_units]).astype(np.int64)
        reported = np.concatenate([np.bincount(unit["position"][mask], minlength=size)
                                   for unit, size in zip(level_units, sizes, strict=True)]).astype(np.int64)
    else:  # the bureau's own figure covers no school
        expected = reported = np.zeros(total, dtype=np.int64)
    return {
        "indicator": [spec.code] * total,
        "level": [level for level, size in zip(levels, sizes, strict=True) for _ in range(size)],
        "unit_key": [key for unit in level_units for key in unit["keys"]],
        "unit_label": [label for unit in level_units for label in unit["labels"]],
        "numerator": num.to_numpy(dtype=float),
        "denominator": np.full(total, np.nan) if den is None else den.to_numpy(dtype=float),
        "value": value.to_numpy(dtype=float),
        "schools_expected": expected,
        "schools_reported": reported,
    }


def _own_figures(figures: pd.DataFrame, mask: np.ndarray, order: np.ndarray, keys: pd.Index) -> pd.DataFrame:
    """What a group-by on the school code would give, each school being its own unit: its figures when
    complete, else nothing. As in pandas' sum, a lone -0.0 stays -0.0 only on the reduceat path (numeric
    column, groups already sorted); the Kahan path adds it to 0.0."""
    columns = {}
    for code in figures.columns:
        column = figures[code]
        own = column.to_numpy(dtype=float, na_value=np.nan)
        if not (column.dtype.kind in "iufb" and keys.is_monotonic_increasing):
            own = own + 0.0
        own = np.where(mask, own, np.nan)[order]
        columns[code] = own
    return pd.DataFrame(columns, columns=figures.columns, index=pd.RangeIndex(len(order)))


def _evaluate(formula: Formula, sums: pd.DataFrame) -> pd.Series:
    """Formula over the summed columns; a unit with nothing reported has no value (NaN), not 0."""
    present = {code: sums[code].astype(float) for code in formula.codes if code in sums.columns}
    result = formula.evaluate(present)
    if result is None:
        return pd.Series(np.nan, index=sums.index)
    if not isinstance(result, pd.Series):
        return pd.Series(float(result), index=sums.index)
    return result.replace([np.inf, -np.inf], np.nan)
