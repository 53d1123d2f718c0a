"""Write one year's results in one transaction: a crash leaves the previous results whole."""
import decimal
import json
import math
from decimal import Decimal

import pandas as pd
from django.db import connection, transaction
from django.utils import timezone

from indicators.models import Indicator, IndicatorValue, RollupRun, TargetLink, TargetStatus
from indicators.verdicts import judge_with_link
from plans.models import AnnualTarget

_QUANTUM = Decimal("0.000001")


_SQLITE_READ = decimal.Context(prec=15)  # SQLite keeps a decimal as a REAL; Django reads 15 digits back
_FIELD = decimal.Context(prec=24)


def _decimal(number) -> Decimal | None:
    """The number as the database will give it back: six decimals; on SQLite (the embedded demo backend, which
    stores decimals as floating point) also only 15 significant digits, so comparing with what is stored works."""
    if number is None or (isinstance(number, float) and math.isnan(number)):
        return None
    exact = number if isinstance(number, Decimal) else Decimal(repr(float(number)))
    if not exact.is_finite():
        return None
    if connection.vendor == "sqlite":
        exact = _SQLITE_READ.create_decimal_from_float(float(exact))
    return exact.quantize(_QUANTUM, context=_FIELD)


_FIELDS = ("unit_label", "numerator", "denominator", "value", "schools_expected", "schools_reported", "sums")


def store_year(*, year: int, results: pd.DataFrame, run: RollupRun | None, counts: dict | None = None) -> int:
    """Make the year's stored indicator values equal ``results``, writing only the rows that differ (a new
    unit, a changed figure or count, a unit that is gone), then refresh its target statuses. Returns the
    number of rows written (values changed + statuses)."""
    ids = dict(Indicator.objects.values_list("code", "id"))
    now = timezone.now()
    with transaction.atomic():
        changed = store_rows(year=year, rows=_rows(results, ids), run=run, now=now)
        statuses = store_target_statuses(year=year, run=run, now=now)
    if counts is not None:
        counts.update(values=changed, statuses=statuses)
    return changed + statuses


def _rows(results: pd.DataFrame, ids: dict) -> dict:
    """(indicator id, level, unit key) → the stored fields, normalised as the database gives them back."""
    sums = results["sums"] if "sums" in results.columns else [{}] * len(results)
    out = {}
    for r, unit_sums in zip(results.itertuples(index=False), sums, strict=True):
        out[(ids[r.indicator], r.level, r.unit_key)] = (
            r.unit_label[:100], _decimal(r.numerator), _decimal(r.denominator), _decimal(r.value),
            int(r.schools_expected), int(r.schools_reported), {k: int(v) for k, v in (unit_sums or {}).items()})
    return out


def store_rows(*, year: int, rows: dict, run, now, only=None) -> int:
    """Write the differences between ``rows`` and what is stored for the year. ``only``: a filter narrowing the
    stored rows to compare with (an incremental update's units); then rows not in ``rows`` are left alone."""
    rows = {key: (label, _decimal(numerator), _decimal(denominator), _decimal(value), *rest)
            for key, (label, numerator, denominator, value, *rest) in rows.items()}
    stored_rows = IndicatorValue.objects.filter(year=year)
    if only is not None:
        stored_rows = stored_rows.filter(only)
    stored = {(i, level, key): (pk, fields) for i, level, key, pk, *fields in stored_rows.values_list(
        "indicator_id", "level", "unit_key", "id", *_FIELDS).iterator(chunk_size=10_000)}
    gone = [] if only is not None else [pk for key, (pk, _) in stored.items() if key not in rows]
    changed = [(key, pk) for key, (pk, fields) in stored.items() if key in rows and tuple(fields) != rows[key]]
    new = [key for key in rows if key not in stored]
    # A changed row is written again: deleted and inserted with its new fields (one COPY for all).
    _delete(gone + [pk for _, pk in changed])
    written = [(key, rows[key]) for key in new] + [(key, rows[key]) for key, _ in changed]
    if connection.vendor == "postgresql":
        _copy_values(year=year, rows=written, run=run, now=now)
    else:
        IndicatorValue.objects.bulk_create([
            IndicatorValue(indicator_id=indicator, year=year, level=level, unit_key=key, unit_label=fields[0],
                           numerator=fields[1], denominator=fields[2], value=fields[3], schools_expected=fields[4],
                           schools_reported=fields[5], sums=fields[6], run=run, computed_at=now)
            for (indicator, level, key), fields in written], batch_size=5000)
    return len(written) + len(gone)


def _delete(pks: list[int]) -> None:
    for start in range(0, len(pks), 5000):
        IndicatorValue.objects.filter(pk__in=pks[start:start + 5000])._raw_delete(IndicatorValue.objects.db)


_COPY_COLUMNS = ("indicator_id", "year", "level", "unit_key", "unit_label", "numerator", "denominator", "value",
                 "schools_expected", "schools_reported", "sums", "run_id", "computed_at")
_NULL = "\\N"
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_values(*, year: int, rows: list, run, now) -> None:
    """The rows bulk_create would insert, sent with COPY: no model object or bound parameter per field."""
    if not rows:
        return
    fixed_year = str(int(year))
    run_id = _NULL if run is None else str(int(run.pk))
    stamp = now.isoformat()

    def text(value: str) -> str:
        return value.translate(_ESCAPES)

    def number(value) -> str:
        return _NULL if value is None else str(value)

    def lines():
        for (indicator, level, key), (label, numerator, denominator, value, expected, reported, sums) in rows:
            yield "\t".join((
                str(indicator), fixed_year, text(level), text(key), text(label), number(numerator),
                number(denominator), number(value), str(expected), str(reported),
                text(json.dumps(sums, separators=(",", ":"))), run_id, stamp,
            )) + "\n"

    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {IndicatorValue._meta.db_table} ({', '.join(_COPY_COLUMNS)}) FROM STDIN",
                           _Chunks(lines()), 1 << 16)  # positional: Django's DEBUG cursor wrapper takes no keywords


class _Chunks:
    """A file-like ``read`` over generated lines, 2,000 lines at a time."""

    def __init__(self, lines):
        self.lines = lines

    def read(self, size: int = -1) -> str:
        chunk = []
        for line in self.lines:
            chunk.append(line)
            if len(chunk) == 2000:
                break
        return "".join(chunk)


def store_target_statuses(*, year: int, run, now) -> int:
    district = {
        v.indicator_id: v
        for v in IndicatorValue.objects.filter(year=year, level="district")
    }
    links = {(link.plan_id, link.measure): link
             for link in TargetLink.objects.filter(indicator__isnull=False).select_related("indicator")}
    count = 0
    for target in AnnualTarget.objects.filter(year=year):
        link = links.get((target.plan_id, target.measure))
        if link is None:
            continue  # tracked by its action items, not by a figure
        value = district.get(link.indicator_id)
        row = None if value is None else {"value": value.value, "schools_reported": value.schools_reported,
                                          "schools_expected": value.schools_expected}
        verdict = judge_with_link(target=target, link=link, indicator=link.indicator, row=row)
        TargetStatus.objects.update_or_create(target=target, defaults={
            "indicator_id": link.indicator_id, "actual": value.value if value else None, "status": verdict.status,
            "margin": _decimal(verdict.margin), "schools_expected": verdict.expected,
            "schools_reported": verdict.reported, "run": run, "computed_at": now,
        })
        count += 1
    TargetStatus.objects.filter(target__year=year).exclude(computed_at=now).delete()
    return count
