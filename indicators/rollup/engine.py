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
    frames = [_one_indicator(spec, wide, district_values, district_codes, names) for spec in indicators]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=OUTPUT_COLUMNS)
    return pd.concat(frames, ignore_index=True)[OUTPUT_COLUMNS]


def _one_indicator(spec, wide: pd.DataFrame, district_values: dict, district_codes: set, names: dict) -> pd.DataFrame:
    covered = wide if not spec.school_types else wide[wide["school_type"].isin(spec.school_types)]
    school_codes = sorted(spec.codes - district_codes)
    if any(code not in wide.columns for code in school_codes):
        complete = covered.iloc[0:0]  # a figure nobody reported: no school is complete
        school_codes = [c for c in school_codes if c in wide.columns]
    else:
        complete = covered[covered[school_codes].notna().all(axis=1)] if school_codes else covered.iloc[0:0]
    rows = []
    for level, column in LEVELS.items():
        if not school_codes and level != "district":
            continue  # a figure only the district reports has no school, town or type breakdown
        keys_all = covered[column] if column else pd.Series("district", index=covered.index)
        keys_complete = complete[column] if column else pd.Series("district", index=complete.index)
        expected = keys_all.value_counts()
        reported = keys_complete.value_counts()
        sums = complete[school_codes].groupby(keys_complete).sum().reindex(expected.index)
        if level == "district":
            for code, amount in district_values.items():
                if code in spec.codes:
                    sums[code] = amount
        num = _evaluate(spec.numerator, sums)
        den = _evaluate(spec.denominator, sums) if spec.denominator else None
        value = num if den is None else num.where(den.notna() & (den != 0)) / den.where(den != 0)
        frame = pd.DataFrame({
            "indicator": spec.code, "level": level, "unit_key": expected.index.astype(str),
            "numerator": num.to_numpy(dtype=float),
            "denominator": np.nan if den is None else den.to_numpy(dtype=float),
            "value": value.to_numpy(dtype=float), "schools_expected": expected.to_numpy(),
            "schools_reported": reported.reindex(expected.index, fill_value=0).to_numpy(),
        })
        frame["unit_label"] = [names[level].get(key, key) for key in frame["unit_key"]]
        if not school_codes:
            frame[["schools_expected", "schools_reported"]] = 0  # the bureau's own figure covers no school
        rows.append(frame)
    return pd.concat(rows, ignore_index=True)


def _evaluate(formula: Formula, sums: pd.DataFrame) -> pd.Series:
    """Formula over the summed columns; a unit with nothing reported has no value (NaN), not 0."""
    present = {code: sums[code].astype(float) for code in formula.codes if code in sums.columns}
    result = formula.evaluate(present)
    if result is None:
        return pd.Series(np.nan, index=sums.index)
    if not isinstance(result, pd.Series):
        return pd.Series(float(result), index=sums.index)
    return result.replace([np.inf, -np.inf], np.nan)
