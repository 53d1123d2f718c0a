"""Excel import benchmark, run by hand: `.venv/bin/python bench/import.py [--schools 2000 --elements 50]`.

Builds a scratch database (SQLite file in /tmp unless DATABASE_URL is set — never point it at a real one),
writes an .xlsx of schools × elements values, times parse + validate + commit through the real services,
then times the naive path (one save() per value plus its audit row) on a subset and extrapolates it
per value. Imports the same file twice to show the row count does not change. Goal: < 10 s, ≥ 20×.
"""
import argparse
import os
import secrets
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SCRATCH = "/tmp/edugov-bench.sqlite3"


def setup_django():
    if "DATABASE_URL" not in os.environ:
        Path(SCRATCH).unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{SCRATCH}"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(60))  # DEBUG off: a real-length key
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edugov.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(schools: int, elements: int):
    from django.contrib.auth.models import User
    from django.db import connection

    from edugov.models import Profile, Role
    from indicators.models import (
        DataElement,
        DataSet,
        DataSetElement,
        District,
        ReportingPeriod,
        School,
        Submission,
        SubmissionValue,
        ValidationRule,
        ValueChange,
    )

    # A rerun against DATABASE_URL starts clean too. The audit tables are append-only (on PostgreSQL a trigger
    # refuses DELETE, migration indicators 0005): TRUNCATE fires no row trigger.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE indicators_valuechange, indicators_submissiontransition")
    for model in (ValueChange, SubmissionValue, Submission, ReportingPeriod, ValidationRule, DataSetElement, DataSet):
        model.objects.filter(**({"code__startswith": "bench"} if model is DataSet else {})).delete()
    district, _ = District.objects.get_or_create(code="bench", defaults={"name": "基准区"})
    town, _ = district.towns.get_or_create(code="bench-town", defaults={"name": "基准街道"})
    School.objects.filter(code__startswith="B").delete()
    School.objects.bulk_create([School(town=town, code=f"B{n:05d}", name=f"基准学校{n}", school_type="primary",
                                       ownership="public") for n in range(schools)])
    dataset, _ = DataSet.objects.get_or_create(code="bench_set", defaults={
        "name_zh": "基准报表", "name_en": "bench", "school_types": ["primary"], "period_type": "yearly"})
    items = []
    for n in range(elements):
        element, _ = DataElement.objects.get_or_create(code=f"bench_e{n:02d}", defaults={
            "name_zh": f"数据项{n}", "name_en": f"element {n}", "unit": "人", "value_type": "integer",
            "max_value": 100000})
        items.append(DataSetElement(dataset=dataset, element=element, order=n))
    DataSetElement.objects.bulk_create(items)
    for n in range(0, min(elements, 10), 2):
        ValidationRule.objects.create(dataset=dataset, code=f"r{n}", left=f"bench_e{n + 1:02d}", operator="<=",
                                      right=f"bench_e{n:02d}", message_zh="规则")
    periods = [ReportingPeriod.objects.create(dataset=dataset, year=year, opens_on="2030-01-01",
                                              deadline="2030-12-31") for year in (2030, 2031)]
    user, _ = User.objects.get_or_create(username="bench-admin")
    Profile.objects.get_or_create(user=user, defaults={"role": Role.BUREAU_ADMIN})
    return periods, user


def workbook(period, user, elements: int) -> bytes:
    from indicators import excel
    from indicators.services.imports import _elements, _label, excel_schools_for

    columns = [excel.TemplateColumn(e.code, _label(e)) for e in _elements(period)]
    # Pairs (e00 ≥ e01, …) keep the rules satisfied.
    rows = [[s.code, s.name, *(1000 - (i % 2) * 7 + n % 97 for i in range(elements))]
            for n, s in enumerate(excel_schools_for(user, period))]
    return excel.template_write(dataset_code=period.dataset.code, period_id=period.id, title="bench",
                                columns=columns, rows=rows)


def fast_import(period, user, data: bytes):
    import io

    from indicators.services.imports import excel_parse, submissions_import

    started = time.perf_counter()
    preview = excel_parse(io.BytesIO(data), period=period, by=user)
    parsed = time.perf_counter()
    assert preview.ok, [str(p) for p in preview.problems[:5]]
    result = submissions_import(period=period, rows=preview.rows, by=user)
    return parsed - started, time.perf_counter() - parsed, preview, result


def naive(period, user, preview, limit_values: int) -> tuple[float, int]:
    """One save() per value and per audit row, autocommit — how a loop over rows would do it."""
    from indicators.models import Submission, SubmissionValue, ValueChange

    done, started = 0, time.perf_counter()
    for row in preview.rows:
        submission, _ = Submission.objects.get_or_create(period=period, school=row.school)
        for element_id, value in row.values.items():
            stored = SubmissionValue.objects.filter(submission=submission, element_id=element_id).first()
            old = stored.value if stored else None
            stored = stored or SubmissionValue(submission=submission, element_id=element_id)
            stored.value = Decimal(value)
            stored.save()
            ValueChange(submission=submission, element_id=element_id, old_value=old, new_value=value, by=user,
                        source="excel").save()
            done += 1
            if done >= limit_values:
                return time.perf_counter() - started, done
    return time.perf_counter() - started, done


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--schools", type=int, default=2000)
    parser.add_argument("--elements", type=int, default=50)
    parser.add_argument("--naive-values", type=int, default=2000, help="values saved one by one (the subset)")
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    from indicators.models import SubmissionValue

    (period, other), user = build(args.schools, args.elements)
    data = workbook(period, user, args.elements)
    total = args.schools * args.elements
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"workbook: {args.schools} schools × {args.elements} elements = {total:,} values, {len(data) / 1e6:.1f} MB")
    parse_s, commit_s, preview, result = fast_import(period, user, data)
    fast = parse_s + commit_s
    print(f"bulk path: parse+validate {parse_s:.2f} s + commit {commit_s:.2f} s = {fast:.2f} s "
          f"({result.values_created:,} values created) — goal < 10 s: {'OK' if fast < 10 else 'MISSED'}")
    count = SubmissionValue.objects.filter(submission__period=period).count()
    again_parse, again_commit, again, _ = fast_import(period, user, data)
    after = SubmissionValue.objects.filter(submission__period=period).count()
    print(f"second import of the same file: {again_parse + again_commit:.2f} s, {len(again.rows)} rows to change, "
          f"values stored {count:,} → {after:,} ({'unchanged' if count == after else 'CHANGED'})")
    naive_s, naive_n = naive(other, user, preview, args.naive_values)
    per_value = naive_s / naive_n
    print(f"per-row path: {naive_n:,} values saved one save() at a time in {naive_s:.2f} s "
          f"= {per_value * 1000:.2f} ms per value; EXTRAPOLATED to {total:,} values: {per_value * total:.1f} s")
    ratio = per_value * total / fast
    print(f"speed-up: {ratio:.0f}× (goal ≥ 20×: {'OK' if ratio >= 20 else 'MISSED'})")


if __name__ == "__main__":
    main()
