"""Write one year's results in one transaction: a crash leaves the previous results whole."""
import math
from decimal import Decimal

import pandas as pd
from django.db import connection, transaction
from django.utils import timezone

from indicators.models import Indicator, IndicatorValue, RollupRun, TargetLink, TargetStatus
from indicators.verdicts import judge_with_link
from plans.models import AnnualTarget

_QUANTUM = Decimal("0.000001")


def _decimal(number) -> Decimal | None:
    if number is None or (isinstance(number, float) and math.isnan(number)):
        return None
    return Decimal(repr(float(number))).quantize(_QUANTUM)


def store_year(*, year: int, results: pd.DataFrame, run: RollupRun | None) -> int:
    """Replace the year's indicator values with ``results`` and refresh its target statuses."""
    ids = dict(Indicator.objects.values_list("code", "id"))
    now = timezone.now()
    with transaction.atomic():
        IndicatorValue.objects.filter(year=year).delete()
        if connection.vendor == "postgresql":
            written = _copy_values(year=year, results=results, run=run, now=now, ids=ids)
        else:
            rows = [
                IndicatorValue(
                    indicator_id=ids[r.indicator], year=year, level=r.level, unit_key=r.unit_key,
                    unit_label=r.unit_label[:100], numerator=_decimal(r.numerator),
                    denominator=_decimal(r.denominator), value=_decimal(r.value),
                    schools_expected=int(r.schools_expected), schools_reported=int(r.schools_reported), run=run,
                    computed_at=now,
                )
                for r in results.itertuples(index=False)
            ]
            IndicatorValue.objects.bulk_create(rows, batch_size=5000)
            written = len(rows)
        statuses = _store_target_statuses(year=year, run=run, now=now)
    return written + statuses


_COPY_COLUMNS = ("indicator_id", "year", "level", "unit_key", "unit_label", "numerator", "denominator", "value",
                 "schools_expected", "schools_reported", "run_id", "computed_at")
_NULL = "\\N"
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_values(*, year: int, results: pd.DataFrame, run, now, ids: dict) -> int:
    """The rows bulk_create would insert, sent with COPY: the same values to six decimals (rounded from
    the float rather than from its shortest text, which differs only on exact ties), the same timestamp,
    without a model object or a bound parameter per field. The text is produced while PostgreSQL reads
    it, so both cores work."""
    fixed_year = str(int(year))
    run_id = _NULL if run is None else str(int(run.pk))
    stamp = now.isoformat()

    def text(value: str) -> str:
        return value.translate(_ESCAPES)

    def number(value) -> str:
        # six decimals, rounded from the float itself: ~4× cheaper than a Decimal quantize per value
        return _NULL if value is None or value != value else f"{value:.6f}"

    def lines():
        for r in results.itertuples(index=False):
            yield "\t".join((
                str(ids[r.indicator]), fixed_year, text(r.level), text(r.unit_key), text(r.unit_label[:100]),
                number(r.numerator), number(r.denominator), number(r.value), str(int(r.schools_expected)),
                str(int(r.schools_reported)), run_id, stamp,
            )) + "\n"

    source = _Chunks(lines())
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {IndicatorValue._meta.db_table} ({', '.join(_COPY_COLUMNS)}) FROM STDIN",
                           source, 1 << 16)  # positional: Django's DEBUG cursor wrapper takes no keywords
    return source.rows


class _Chunks:
    """A file-like ``read`` over generated lines, 2,000 lines at a time."""

    def __init__(self, lines):
        self.lines = lines
        self.rows = 0

    def read(self, size: int = -1) -> str:
        chunk = []
        for line in self.lines:
            chunk.append(line)
            if len(chunk) == 2000:
                break
        self.rows += len(chunk)
        return "".join(chunk)


def _store_target_statuses(*, year: int, run, now) -> int:
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
