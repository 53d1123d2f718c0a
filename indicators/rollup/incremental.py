"""Incremental rollup: an approval changes the stored sums by that school's contribution, new − old.

A ratio of sums is additive. Each stored unit row keeps the exact sums behind its numerator and denominator
(``IndicatorValue.sums``, integers of 1/10,000), so approving or reopening one submission changes every unit
the school belongs to (its town, type, ownership, area, language, the district and the two cross-breakdowns)
by the school's contribution after minus before — per indicator, honouring "complete schools only": a school
that now reports every figure an indicator needs starts counting (+1 reported), one that no longer does stops.

**What the stored sums contain.** The approving transaction records the change it made to the school's
figures (``RollupDelta``: per code, old and new) after locking the school row, so one school's changes are
recorded one after another. The incremental run reads, in one snapshot, each school's current approved
figures and its pending deltas: undoing the pending deltas newest first gives the figures the stored sums
contain. No per-school state is stored, and a delta committed after the snapshot simply waits for the next run.
A full run recomputes everything and drops the deltas it has seen.
"""
from collections import defaultdict

import numpy as np

from indicators.models import IndicatorValue, RollupDelta, School
from indicators.rollup import engine, load


class NeedsFullRun(Exception):
    """The stored rows do not cover a changed school's units (a new school, a school moved to another town…)."""


def figures_of(*, year: int, school_id: int) -> dict[str, int]:
    return load.school_figures_of(years=[year], school_ids=[school_id]).get((year, school_id), {})


def lock_school(school_id: int) -> None:
    """Serialise the changes of one school, so its deltas are recorded in commit order."""
    School.objects.select_for_update().filter(pk=school_id).first()


def record_change(*, year: int, school_id: int, before: dict[str, int]) -> bool:
    """Record the change to the school's approved figures made in this transaction; False if none."""
    after = figures_of(year=year, school_id=school_id)
    change = {code: [before.get(code), after.get(code)] for code in sorted(set(before) | set(after))
              if before.get(code) != after.get(code)}
    if not change:
        return False
    RollupDelta.objects.create(year=year, school_id=school_id, figures=change)
    return True


def apply_pending(*, year: int, specs, district_codes: set, district_values: dict, labels) -> tuple[dict, list]:
    """The stored rows the pending deltas of ``year`` change, recomputed: (row key → stored fields, the delta
    ids applied). Raises NeedsFullRun when a changed school's unit has no stored row."""
    deltas = list(RollupDelta.objects.filter(year=year).order_by("id").values_list("id", "school_id", "figures"))
    if not deltas:
        return {}, []
    by_school: dict[int, list] = defaultdict(list)
    for _, school_id, change in deltas:
        by_school[school_id].append(change)
    current = load.school_figures_of(years=[year], school_ids=list(by_school))
    schools = {s["id"]: s for s in School.objects.filter(pk__in=list(by_school)).values(
        "id", "active", "school_type", "ownership", "is_urban", "is_minority_language", "town__code")}
    # (indicator, level, unit key) → [sum changes per code, reported change]
    touched: dict[tuple[str, str, str], list] = {}
    for school_id, changes in by_school.items():
        school = schools.get(school_id)
        if school is None or not school["active"]:
            raise NeedsFullRun(f"school {school_id} is not an active school")
        new = dict(current.get((year, school_id), {}))
        old = dict(new)
        for change in reversed(changes):  # undo newest first: what the stored sums contain
            for code, (before, _after) in change.items():
                if before is None:
                    old.pop(code, None)
                else:
                    old[code] = int(before)
        attributes = {"town_code": school["town__code"], "school_type": school["school_type"],
                      "ownership": school["ownership"], "area": "urban" if school["is_urban"] else "rural",
                      "language": "minority" if school["is_minority_language"] else "other"}
        for spec in specs:
            codes = sorted(spec.codes - district_codes)
            if not codes or not spec.covers(school["school_type"]):
                continue
            was, now = all(c in old for c in codes), all(c in new for c in codes)
            change = [(new[c] if now else 0) - (old[c] if was else 0) for c in codes]
            reported = int(now) - int(was)
            if not reported and not any(change):
                continue
            for level in engine.LEVELS:
                key = (spec.code, level, engine.unit_key(engine.unit_of(level, attributes)))
                entry = touched.setdefault(key, [[0] * len(codes), 0])
                entry[0] = [a + b for a, b in zip(entry[0], change, strict=True)]
                entry[1] += reported
    return _recomputed(year, touched, specs, district_codes, district_values), [d[0] for d in deltas]


def _expected_now(touched, by_code) -> dict:
    """The covered active schools of each touched unit, counted from the schools as they are now (vectorised:
    one comparison per distinct (covered types, level, unit), not per school)."""
    schools = engine.school_frame(load.schools())
    columns = {column: schools[column].astype(str).to_numpy(dtype=object) for column in engine.SCHOOL_COLUMNS}
    keys_of: dict = {}
    covered_of: dict = {}
    counted: dict = {}
    out = {}
    for code, level, key in touched:
        spec = by_code[code]
        if level not in keys_of:
            parts = [columns[c] for c in engine.LEVELS[level]]
            keys_of[level] = (np.array(["/".join(p) for p in zip(*parts, strict=True)], dtype=object)
                              if len(parts) > 1 else parts[0] if parts else np.full(len(schools), "district", object))
        if spec.school_types not in covered_of:
            covered_of[spec.school_types] = (np.ones(len(schools), dtype=bool) if not spec.school_types
                                             else np.isin(columns["school_type"], list(spec.school_types)))
        group = (spec.school_types, level, key)
        if group not in counted:
            counted[group] = int(np.count_nonzero((keys_of[level] == key) & covered_of[spec.school_types]))
        out[(code, level, key)] = counted[group]
    return out


def _recomputed(year, touched, specs, district_codes, district_values) -> dict:
    if not touched:
        return {}
    by_code = {spec.code: spec for spec in specs}
    stored = {}
    rows = IndicatorValue.objects.filter(year=year, indicator__code__in={k[0] for k in touched},
                                         unit_key__in={k[2] for k in touched})
    for row in rows.values("indicator_id", "indicator__code", "level", "unit_key", "unit_label",
                           "schools_expected", "schools_reported", "sums"):
        key = (row["indicator__code"], row["level"], row["unit_key"])
        if key in touched:
            stored[key] = row
    missing = set(touched) - set(stored)
    if missing:
        raise NeedsFullRun(f"no stored row for {sorted(missing)[:3]}")
    expected = _expected_now(touched, by_code)
    stale = [key for key in touched if stored[key]["schools_expected"] != expected.get(key, 0)]
    if stale:  # a school joined, left or moved since the last full run: its units' counts are out of date
        raise NeedsFullRun(f"school counts changed at {stale[:3]}")
    district_scaled = {code: engine.to_scaled(v) for code, v in district_values.items() if v is not None}
    out = {}
    for code in {k[0] for k in touched}:
        spec = by_code[code]
        codes = sorted(spec.codes - district_codes)
        keys = [k for k in touched if k[0] == code]
        sums = np.zeros((len(keys), len(codes)), dtype=object)
        reported = np.zeros(len(keys), dtype=np.int64)
        for n, key in enumerate(keys):
            row, (change, more) = stored[key], touched[key]
            sums[n] = [int(row["sums"].get(c, 0)) + d for c, d in zip(codes, change, strict=True)]
            reported[n] = row["schools_reported"] + more
            if reported[n] < 0 or reported[n] > row["schools_expected"]:
                raise NeedsFullRun(f"reported count out of range at {key}")
        is_district = np.array([k[1] == "district" for k in keys], dtype=bool)
        numerator, denominator, value = engine.unit_values(spec, codes, sums, reported, is_district, district_scaled)
        for n, key in enumerate(keys):
            row = stored[key]
            out[(row["indicator_id"], key[1], key[2])] = (
                row["unit_label"], numerator[n], denominator[n], value[n], row["schools_expected"],
                int(reported[n]), {c: int(x) for c, x in zip(codes, sums[n], strict=True)})
    return out
