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
                "keys": keys,
                "labels": [names[level].get(key, key) for key in keys],
                "expected": expected.to_numpy(),
                "position": expected.index.get_indexer(keys_all),
            }


def _one_indicator(spec: IndicatorSpec, units: _Units, district_values: dict, district_codes: set) -> dict:
    """Every level's rows of one indicator. The sums of all levels come from one group-by over the
    complete schools repeated once per level (each unit still adds up its schools in the same order)."""
    covered = units.covered
    school_codes = sorted(spec.codes - district_codes)
    if any(code not in covered.columns for code in school_codes):
        complete = np.zeros(len(covered), dtype=bool)  # a figure nobody reported: no school is complete
        school_codes = [c for c in school_codes if c in covered.columns]
    elif school_codes:
        complete = covered[school_codes].notna().all(axis=1).to_numpy()
    else:
        complete = np.zeros(len(covered), dtype=bool)
    # a figure only the district reports has no school, town or type breakdown
    levels = list(LEVELS) if school_codes else ["district"]
    level_units = [units.levels[level] for level in levels]
    sizes = [len(u["keys"]) for u in level_units]
    offsets = np.cumsum([0, *sizes])
    total = int(offsets[-1])

    block = covered.loc[complete, school_codes]
    repeated = block.iloc[np.tile(np.arange(len(block)), len(levels))].reset_index(drop=True)
    keys = np.concatenate([offset + u["position"][complete] for offset, u in zip(offsets, level_units, strict=False)])
    sums = repeated.groupby(keys).sum().reindex(pd.RangeIndex(total))
    district_at = int(offsets[levels.index("district")])
    if sizes[levels.index("district")]:
        for code, amount in district_values.items():
            if code in spec.codes:
                sums.loc[district_at, code] = amount

    num = _evaluate(spec.numerator, sums)
    den = _evaluate(spec.denominator, sums) if spec.denominator else None
    value = num if den is None else num.where(den.notna() & (den != 0)) / den.where(den != 0)
    if school_codes:
        expected = np.concatenate([u["expected"] for u in level_units]).astype(np.int64)
        reported = np.concatenate([np.bincount(u["position"][complete], minlength=size)
                                   for u, size in zip(level_units, sizes, strict=True)]).astype(np.int64)
    else:  # the bureau's own figure covers no school
        expected = reported = np.zeros(total, dtype=np.int64)
    return {
        "indicator": [spec.code] * total,
        "level": [level for level, size in zip(levels, sizes, strict=True) for _ in range(size)],
        "unit_key": [key for u in level_units for key in u["keys"]],
        "unit_label": [label for u in level_units for label in u["labels"]],
        "numerator": num.to_numpy(dtype=float),
        "denominator": np.full(total, np.nan) if den is None else den.to_numpy(dtype=float),
        "value": value.to_numpy(dtype=float),
        "schools_expected": expected,
        "schools_reported": reported,
    }


def _evaluate(formula: Formula, sums: pd.DataFrame) -> pd.Series:
    """Formula over the summed columns; a unit with nothing reported has no value (NaN), not 0."""
    present = {code: sums[code].astype(float) for code in formula.codes if code in sums.columns}
    result = formula.evaluate(present)
    if result is None:
        return pd.Series(np.nan, index=sums.index)
    if not isinstance(result, pd.Series):
        return pd.Series(float(result), index=sums.index)
    return result.replace([np.inf, -np.inf], np.nan)
