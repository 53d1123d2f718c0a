"""Rollup benchmark, run by hand: `.venv/bin/python bench/rollup.py [--schools 5000 --elements 50 --years 4]`.

Province size: `.venv/bin/python bench/rollup.py --schools 20000 --elements 200 --years 10` (40M values).

Creates a scratch PostgreSQL database (`edugov_bench` on 127.0.0.1:5432 as user postgres unless --server /
--db say otherwise; it is dropped and recreated, never the real one), migrates it, then fills it set-based
(INSERT … SELECT over generate_series, no Python loop per row): towns, schools of mixed type, ownership,
urban/rural and language; one yearly data set of N elements; one reporting period per year; an approved
submission per school and year with a value per element (about 0.5 % left empty, so some schools miss a
figure); a small district-level data set (population, a district-only count); indicators modelled on
indicators/data/dongsheng_definitions.json (ratios of sums ×100 over element codes, most with a denominator,
some plain counts, most limited to kindergartens or to schools, one with a district-only denominator, one
district-only figure) that between them use every element; and annual targets linked to a few indicators.

Then, in the same run, times:
  1. the floor: the bare SQL GROUP BY year, school, element over the same approved rows, server-side only;
  2. the full rollup of every year through the real service (`rollup_run_all`: load → compute → store),
     split into its parts by timing wrappers around load / engine / store, and the peak RSS of the process
     up to its end (before anything else is fetched); then the same run again over unchanged data (it
     writes no value row);
  3. --approvals random reopenings / re-approvals of the last year, each recorded as the approval service
     records it, then the incremental run: commit → stored values updated, p50 / p95; then a full
     recomputation of that year must find nothing to change (incremental = full);
  4. the floor with the grouped rows fetched into Python (skipped with --no-fetch: GBs at 40M values);
  5. re-rolling one year (`rollup_run_all(year=…)`);
  6. a naive baseline: Django ORM, one query per school, year and indicator, arithmetic in Python with
     Decimal, on a subset of schools (no writes), extrapolated per value.
It prints each figure and its ratio (ru_maxrss of this process; the PostgreSQL backends are not counted;
with --tracemalloc the peak of Python allocations during the full rollup, which slows that run). The scratch
database is dropped at the end unless --keep.
Goals (issue 10): 1M values < 2 s and ≤ 3× the floor; 40M values < 30 s, rollup process < 2 GB, one year
< 3 s; an approval on the stored values < 1 s p95; incremental identical to full; ≥ 50× naive.
"""
import argparse
import os
import resource
import secrets
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIRST_YEAR = 2016
# (code, share of schools in per cent) — roughly a district's mix.
SCHOOL_TYPES = [("kindergarten", 35), ("primary", 30), ("junior", 12), ("nine_year", 6),
                ("complete_secondary", 3), ("senior", 7), ("special", 2), ("vocational", 5)]
KINDERGARTEN = ["kindergarten"]
SCHOOLS = ["primary", "junior", "nine_year", "complete_secondary", "senior"]


def log(message: str = ""):
    print(message, flush=True)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


@contextmanager
def stopwatch(into: dict, key: str):
    started = time.perf_counter()
    try:
        yield
    finally:
        into[key] = into.get(key, 0.0) + time.perf_counter() - started


# ---------------------------------------------------------------- scratch database


def admin_connection(server: str):
    import psycopg2

    connection = psycopg2.connect(f"{server}/postgres")
    connection.autocommit = True
    return connection


def create_database(server: str, name: str):
    connection = admin_connection(server)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def drop_database(server: str, name: str):
    from django.db import connections

    connections.close_all()
    connection = admin_connection(server)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    connection.close()


def setup_django(server: str, name: str):
    os.environ["DATABASE_URL"] = f"{server}/{name}"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(60))  # DEBUG off: a real-length key
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "edugov.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# ---------------------------------------------------------------- data


def indicator_definitions(codes: list[str], count: int) -> list[dict]:
    """`count` indicators over the element codes, shaped like the real definitions file."""
    definitions = [
        # like preschool_gross_enrolment_rate: the denominator only the district reports
        {"code": "bench_gross_enrolment", "numerator": f"{codes[0]} * 100", "denominator": "bench_pop",
         "school_types": KINDERGARTEN},
        # like quality_education_groups: a district-only figure
        {"code": "bench_groups", "numerator": "bench_groups", "denominator": "", "school_types": []},
    ]
    rest = max(count - len(definitions), 1)
    for k in range(rest):
        chunk = codes[k * len(codes) // rest:(k + 1) * len(codes) // rest] or [codes[k % len(codes)]]
        kind = k % 6
        school_types = KINDERGARTEN if kind in (0, 1) else SCHOOLS if kind in (2, 3, 4) else []
        if k % 8 == 7 or len(chunk) == 1 and k % 2:  # a plain count, e.g. new_kindergartens
            numerator, denominator = " + ".join(chunk), ""
        elif len(chunk) == 1:
            numerator, denominator = f"{chunk[0]} * 100", codes[(k + 1) % len(codes)]
        else:
            half = len(chunk) // 2
            top, bottom = chunk[:half], chunk[half:]
            numerator = f"({' + '.join(top)}) * 100" if len(top) > 1 else f"{top[0]} * 100"
            denominator = " + ".join(bottom)
        definitions.append({"code": f"bench_i{k:03d}", "numerator": numerator, "denominator": denominator,
                            "school_types": school_types})
    return definitions[:count]


def build(schools: int, elements: int, years: int, indicators: int) -> dict:
    from django.db import connection, transaction

    from indicators.models import (
        DataElement,
        DataSet,
        DataSetElement,
        District,
        Indicator,
        ReportingPeriod,
        TargetLink,
    )
    from plans.models import AnnualTarget, Plan

    district = District.objects.create(code="bench", name="基准区")
    towns = max(5, schools // 250)
    all_types = [code for code, _ in SCHOOL_TYPES]
    with transaction.atomic():
        dataset = DataSet.objects.create(code="bench_set", name_zh="基准报表", name_en="bench", period_type="yearly",
                                         school_types=all_types)
        codes = [f"e{n:03d}" for n in range(elements)]
        school_elements = DataElement.objects.bulk_create([
            DataElement(code=code, name_zh=f"数据项{code}", name_en=f"element {code}", unit="人",
                        value_type="integer", school_types=all_types) for code in codes])
        DataSetElement.objects.bulk_create([DataSetElement(dataset=dataset, element=e, order=n)
                                            for n, e in enumerate(school_elements)])
        district_set = DataSet.objects.create(code="bench_district", name_zh="区级基础数据", name_en="district",
                                              period_type="yearly", is_district_level=True)
        district_elements = DataElement.objects.bulk_create([
            DataElement(code=code, name_zh=code, name_en=code, value_type="integer")
            for code in ("bench_pop", "bench_groups")])
        DataSetElement.objects.bulk_create([DataSetElement(dataset=district_set, element=e, order=n)
                                            for n, e in enumerate(district_elements)])
        year_list = list(range(FIRST_YEAR, FIRST_YEAR + years))
        for year in year_list:
            for data_set in (dataset, district_set):
                ReportingPeriod.objects.create(dataset=data_set, year=year, opens_on=f"{year}-03-01",
                                               deadline=f"{year}-06-30")
        definitions = indicator_definitions(codes, indicators)
        made = Indicator.objects.bulk_create([
            Indicator(code=d["code"], name_zh=d["code"], name_en=d["code"], numerator=d["numerator"],
                      denominator=d["denominator"], unit="%" if d["denominator"] else "所",
                      school_types=d["school_types"]) for d in definitions])
        plan = Plan.objects.create(key="bench", title="基准方案", start_year=year_list[0], end_year=year_list[-1])
        for indicator in made[2:6]:
            TargetLink.objects.create(plan=plan, measure=indicator.code, indicator=indicator, tolerance=2)
            AnnualTarget.objects.bulk_create([
                AnnualTarget(plan=plan, measure=indicator.code, name=indicator.code, year=year, comparator="gte",
                             value=95) for year in year_list])

    case = " ".join(f"WHEN (n * 37) % 100 < {sum(share for _, share in SCHOOL_TYPES[:i + 1])} THEN '{code}'"
                    for i, (code, _) in enumerate(SCHOOL_TYPES))
    with connection.cursor() as cursor:
        cursor.execute("""
            INSERT INTO indicators_town (district_id, code, name, is_street)
            SELECT %s, 'town' || lpad(n::text, 3, '0'), '基准镇' || n, n %% 3 = 0 FROM generate_series(1, %s) n
        """, [district.id, towns])
        # No parameters: the % below are SQL's modulo.
        cursor.execute(f"""
            INSERT INTO indicators_school (town_id, code, name, school_type, ownership, is_puhui, kg_grade,
                is_minority_language, is_urban, email, active)
            SELECT t.id, 'S' || lpad(n::text, 6, '0'), '基准学校' || n, CASE {case} END,
                   CASE WHEN n % 5 = 0 THEN 'private' ELSE 'public' END, n % 4 <> 0, '',
                   n % 11 = 0, n % 3 <> 0, '', true
            FROM generate_series(1, {int(schools)}) n
            JOIN (SELECT id, row_number() OVER (ORDER BY code) - 1 AS k FROM indicators_town) t
              ON t.k = n % {int(towns)}
        """)
        cursor.execute("""
            INSERT INTO indicators_submission (period_id, school_id, status, version, submitted_at, approved_at,
                return_reason, created_at, updated_at)
            SELECT p.id, s.id, 'approved', 3, now(), now(), '', now(), now()
            FROM indicators_reportingperiod p CROSS JOIN indicators_school s
            WHERE p.dataset_id = %s ORDER BY p.year, s.id
        """, [dataset.id])
        cursor.execute("""
            INSERT INTO indicators_submission (period_id, school_id, status, version, submitted_at, approved_at,
                return_reason, created_at, updated_at)
            SELECT p.id, NULL, 'approved', 3, now(), now(), '', now(), now()
            FROM indicators_reportingperiod p WHERE p.dataset_id = %s
        """, [district_set.id])
        # Values: one statement per year (progress, and a bounded transaction). FK checks are skipped while
        # loading (session_replication_role = replica: every id comes from the rows just inserted).
        cursor.execute("SET session_replication_role = replica")
        for year in year_list:
            started = time.perf_counter()
            cursor.execute("""
                INSERT INTO indicators_submissionvalue (submission_id, element_id, value, explanation)
                SELECT sub.id, de.element_id,
                       CASE WHEN (sub.school_id * 7 + de.element_id * 3 + %(year)s) %% 199 = 0 THEN NULL
                            ELSE 1 + (sub.school_id * 31 + de.element_id * 17 + %(year)s * 7) %% 997 END, ''
                FROM indicators_submission sub
                JOIN indicators_reportingperiod p ON p.id = sub.period_id AND p.year = %(year)s
                                                 AND p.dataset_id = %(dataset)s
                CROSS JOIN (SELECT element_id FROM indicators_datasetelement WHERE dataset_id = %(dataset)s
                            ORDER BY element_id) de
                ORDER BY sub.id, de.element_id
            """, {"year": year, "dataset": dataset.id})
            log(f"  values {year}: {cursor.rowcount:,} rows in {time.perf_counter() - started:.1f} s")
        cursor.execute("""
            INSERT INTO indicators_submissionvalue (submission_id, element_id, value, explanation)
            SELECT sub.id, de.element_id, CASE WHEN de.order = 0 THEN %s ELSE 4 END, ''
            FROM indicators_submission sub JOIN indicators_reportingperiod p ON p.id = sub.period_id
            JOIN indicators_datasetelement de ON de.dataset_id = p.dataset_id
            WHERE p.dataset_id = %s
        """, [schools * 120, district_set.id])
        cursor.execute("SET session_replication_role = DEFAULT")
    # Fresh statistics and a set visibility map, as on a database autovacuum has seen.
    connection.ensure_connection()
    previous = connection.connection.autocommit
    connection.connection.autocommit = True
    with connection.connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    connection.connection.autocommit = previous
    return {"dataset": dataset, "years": year_list, "towns": towns, "codes": codes}


# ---------------------------------------------------------------- timed parts

FLOOR_SQL = """
SELECT p.year, s.school_id, v.element_id, SUM(v.value)
FROM indicators_submissionvalue v
JOIN indicators_submission s ON s.id = v.submission_id
JOIN indicators_reportingperiod p ON p.id = s.period_id
WHERE s.status = 'approved' AND s.school_id IS NOT NULL AND v.value IS NOT NULL
GROUP BY p.year, s.school_id, v.element_id
"""


def floor_server_side() -> tuple[float, int]:
    """The bare GROUP BY, server-side only."""
    from django.db import connection

    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(f"SELECT count(*) FROM ({FLOOR_SQL}) grouped")
        groups = cursor.fetchone()[0]
        return time.perf_counter() - started, groups


def floor_fetched() -> tuple[float, int]:
    """The bare GROUP BY with the grouped rows fetched into Python (memory: a tuple per sum)."""
    from django.db import connection

    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(FLOOR_SQL)
        fetched = len(cursor.fetchall())
        return time.perf_counter() - started, fetched


def _one_year(year: int) -> None:
    from django.db import connections

    connections.close_all()  # a forked child opens its own connection
    from indicators.services.rollup import rollup_run_all

    [run] = rollup_run_all(trigger="bench", year=year)
    assert run.status == "succeeded", run.error


def per_year_in_processes(years: list[int], processes: int) -> float:
    """Every year as its own run, ``processes`` at a time in forked processes: what Celery workers sharing the
    nightly re-roll do (runs of different years hold different locks)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from django.db import connections

    connections.close_all()
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=processes, mp_context=multiprocessing.get_context("fork")) as pool:
        list(pool.map(_one_year, sorted(years, reverse=True)))
    return time.perf_counter() - started


def incremental_latency(built: dict, count: int) -> tuple[list[float], int]:
    """``count`` random reopenings/re-approvals of school submissions of the last year, each recorded as the
    approval service records it (school locked, figure change written in the same transaction), then the
    incremental run; the time from commit to the stored values updated. Finally a full recomputation of the
    year is compared with what the incremental runs left (rows it had to change)."""
    import random

    from django.db import transaction

    from indicators.models import RollupRun, Submission, SubmissionStatus
    from indicators.rollup import incremental, store
    from indicators.services import rollup as service

    year = built["years"][-1]
    ids = list(Submission.objects.filter(period__year=year, school__isnull=False).values_list("id", flat=True))
    rng = random.Random(20221206)
    latencies = []
    for _ in range(count):
        with transaction.atomic():
            submission = Submission.objects.select_related("period").get(pk=rng.choice(ids))
            before = service.rollup_figures_before(submission)
            submission.status = (SubmissionStatus.RETURNED if submission.status == SubmissionStatus.APPROVED
                                 else SubmissionStatus.APPROVED)
            submission.save(update_fields=["status"])
            incremental.record_change(year=year, school_id=submission.school_id, before=before)
        committed = time.perf_counter()
        run = service.rollup_run(run=RollupRun.objects.create(year=year, trigger="bench", incremental=True))
        latencies.append(time.perf_counter() - committed)
        assert run.status == "succeeded", run.error
    counts: dict = {}
    store.store_year(year=year, results=service.rollup_compute(year=year), run=None, counts=counts)
    return latencies, counts["values"]


@contextmanager
def instrumented(parts: dict):
    """Times load / compute / store while the real service runs (wrappers on the module attributes it calls)."""
    from indicators.rollup import engine, load, store

    wrapped = [(load, "school_sums", "load"), (load, "district_sums", "load"), (load, "schools", "load"),
               (load, "indicator_specs", "load"), (load, "district_codes", "load"),
               (engine, "compute", "compute"), (store, "store_year", "store")]
    originals = [(module, name, getattr(module, name)) for module, name, _ in wrapped]

    def timed(function, key):
        def wrapper(*args, **kwargs):
            with stopwatch(parts, key):
                return function(*args, **kwargs)
        return wrapper

    for module, name, key in wrapped:
        setattr(module, name, timed(getattr(module, name), key))
    try:
        yield parts
    finally:
        for module, name, function in originals:
            setattr(module, name, function)


def rollup(year: int | None = None, trace: bool = False) -> tuple[float, dict, int, float | None]:
    import tracemalloc

    from indicators.models import RunStatus
    from indicators.services.rollup import rollup_run_all

    parts: dict = {}
    if trace:
        tracemalloc.start()
    with instrumented(parts):
        started = time.perf_counter()
        runs = rollup_run_all(trigger="bench", year=year)
        elapsed = time.perf_counter() - started
    traced = None
    if trace:
        traced = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    assert all(r.status == RunStatus.SUCCEEDED for r in runs), [r.error for r in runs]
    return elapsed, parts, sum(r.rows_written for r in runs), traced


def naive(years: list[int], limit: int) -> tuple[float, int, int]:
    """Per school, year and indicator: an ORM query for the figures it needs, Decimal arithmetic in Python,
    sums kept per unit of every level. Writes nothing (which flatters it)."""
    from collections import defaultdict
    from decimal import Decimal

    from indicators.formula import parse
    from indicators.models import Indicator, School, SubmissionStatus, SubmissionValue

    schools = list(School.objects.select_related("town").order_by("id")[:limit])
    indicators = [(i, parse(i.numerator), parse(i.denominator) if i.denominator else None)
                  for i in Indicator.objects.order_by("code")]
    sums: dict = defaultdict(lambda: defaultdict(Decimal))
    results = {}
    started = time.perf_counter()
    for year in years:
        for school in schools:
            units = [("school", school.code), ("town", school.town.code), ("school_type", school.school_type),
                     ("ownership", school.ownership), ("area", "urban" if school.is_urban else "rural"),
                     ("language", "minority" if school.is_minority_language else "other"),
                     ("district", "district")]
            for indicator, numerator, denominator in indicators:
                if indicator.school_types and school.school_type not in indicator.school_types:
                    continue
                codes = numerator.codes | (denominator.codes if denominator else frozenset())
                figures = dict(SubmissionValue.objects.filter(
                    submission__school=school, submission__period__year=year,
                    submission__status=SubmissionStatus.APPROVED, element__code__in=codes,
                    value__isnull=False).values_list("element__code", "value"))
                if set(figures) != codes:
                    continue
                top = numerator.evaluate(figures)
                bottom = denominator.evaluate(figures) if denominator else None
                results[(indicator.code, year, school.code)] = top / bottom if bottom else top
                for unit in units:
                    for code, amount in figures.items():
                        sums[(indicator.code, year, unit)][code] += amount
    formulas = {indicator.code: (numerator, denominator) for indicator, numerator, denominator in indicators}
    for (code, year, unit), figures in sums.items():  # every level's ratio of sums
        numerator, denominator = formulas[code]
        bottom = denominator.evaluate(figures) if denominator else None
        results[(code, year, unit)] = numerator.evaluate(figures) / bottom if bottom else numerator.evaluate(figures)
    elapsed = time.perf_counter() - started
    values = SubmissionValue.objects.filter(submission__school__in=schools, submission__period__year__in=years,
                                            submission__status=SubmissionStatus.APPROVED).count()
    return elapsed, values, len(schools)


# ---------------------------------------------------------------- main


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--schools", type=int, default=5000)
    parser.add_argument("--elements", type=int, default=50)
    parser.add_argument("--years", type=int, default=4)
    parser.add_argument("--indicators", type=int, default=24, help="24 like the real definitions file")
    parser.add_argument("--naive-schools", type=int, default=40, help="schools in the naive baseline's subset")
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432",
                        help="PostgreSQL server URL without a database name")
    parser.add_argument("--db", default="edugov_bench", help="scratch database (dropped and recreated)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database afterwards")
    parser.add_argument("--build-only", action="store_true", help="generate the data, keep it, time nothing")
    parser.add_argument("--reuse", action="store_true",
                        help="time against a database kept by an earlier run of the same size (clears its results)")
    parser.add_argument("--approvals", type=int, default=100, help="random approvals/reopenings timed incrementally")
    parser.add_argument("--no-fetch", action="store_true",
                        help="skip the floor with every grouped row fetched into Python (tens of GB at 40M values)")
    parser.add_argument("--tracemalloc", action="store_true",
                        help="trace Python allocations during the full rollup (slows it; timing then inflated)")
    args = parser.parse_args()
    if "bench" not in args.db:
        parser.error("the scratch database's name must contain 'bench' (it is dropped)")

    total = args.schools * args.elements * args.years
    province = total >= 20_000_000
    goal_s, goal_year_s = (30, 3) if province else (2, None)
    log(f"rollup benchmark: {args.schools:,} schools × {args.elements} elements × {args.years} years = "
        f"{total:,} values, {args.indicators} indicators; scratch database {args.db}")
    if args.reuse:
        setup_django(args.server, args.db)
        built = reuse()
        log("reusing the kept database; earlier rollup results cleared")
        report(args, built, total, goal_s, goal_year_s)
        return
    create_database(args.server, args.db)
    keep = args.keep or args.build_only
    try:
        started = time.perf_counter()
        setup_django(args.server, args.db)
        log(f"migrated in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        built = build(args.schools, args.elements, args.years, args.indicators)
        log(f"generated ({built['towns']} towns) in {time.perf_counter() - started:.1f} s; "
            f"peak RSS so far {peak_rss_mb():.0f} MB")
        if not args.build_only:
            report(args, built, total, goal_s, goal_year_s)
    finally:
        if keep:
            log(f"kept database {args.db}")
        else:
            drop_database(args.server, args.db)
            log(f"dropped database {args.db}")


def reuse() -> dict:
    from django.db import connection

    from indicators.models import IndicatorValue, ReportingPeriod, RollupRun, TargetStatus, Town

    TargetStatus.objects.all().delete()
    IndicatorValue.objects.all()._raw_delete(IndicatorValue.objects.db)
    RollupRun.objects.all().delete()
    connection.ensure_connection()
    connection.connection.autocommit = True
    with connection.connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE indicators_indicatorvalue")
    return {"years": sorted(set(ReportingPeriod.objects.values_list("year", flat=True))),
            "towns": Town.objects.count()}


def report(args, built, total, goal_s, goal_year_s):
    from django.db import connection

    with connection.cursor() as cursor:  # warm the cache the same way for every timed part
        cursor.execute("SELECT count(*), count(value) FROM indicators_submissionvalue")
        stored, non_empty = cursor.fetchone()
    log(f"values stored: {stored:,} ({stored - non_empty:,} empty)")

    floor_server, groups = floor_server_side()
    log(f"floor: GROUP BY year, school, element over the approved rows → {groups:,} sums: "
        f"{floor_server:.2f} s server-side")

    # The rollup runs before the floor's fetch into Python, so its peak memory is its own.
    full_s, parts, rows, traced = rollup(trace=args.tracemalloc)
    rss_full = peak_rss_mb()
    split = ", ".join(f"{key} {parts.get(key, 0):.2f} s" for key in ("load", "compute", "store"))
    log(f"full rollup, {len(built['years'])} years: {full_s:.2f} s ({split}); {rows:,} rows written "
        f"— goal < {goal_s} s: {'OK' if full_s < goal_s else 'MISSED'}")
    log(f"  peak RSS of the process up to the end of the full rollup: {rss_full:.0f} MB — goal < 2 GB: "
        f"{'OK' if rss_full < 2048 else 'MISSED'}"
        + (f"; traced Python peak {traced:.0f} MB" if traced is not None else ""))
    ratio_server = full_s / floor_server
    log(f"rollup / floor: {ratio_server:.1f}× the server-side GROUP BY — goal ≤ 3×: "
        f"{'OK' if ratio_server <= 3 else 'MISSED'}")
    again_s, _, again_rows, _ = rollup()
    log(f"full rollup again over unchanged data: {again_s:.2f} s; {again_rows:,} rows written (target statuses only)")

    parallel_s = per_year_in_processes(built["years"], 2)
    log(f"the same re-roll as one run per year on 2 processes (as 2 Celery workers share the nightly run): "
        f"{parallel_s:.2f} s ({again_s / parallel_s:.2f}× faster than one process)")

    latencies, drift = incremental_latency(built, args.approvals)
    latencies.sort()
    p50, p95 = latencies[len(latencies) // 2], latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))]
    log(f"incremental: {len(latencies)} random approvals/reopenings, commit → stored values updated (in-process, "
        f"no queue wait): p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms "
        f"— goal p95 < 1 s: {'OK' if p95 < 1 else 'MISSED'}")
    log(f"  then a full recomputation of that year changed {drift} stored rows — goal 0 (incremental = full): "
        f"{'OK' if drift == 0 else 'MISSED'}")

    floor_fetch = None
    if not args.no_fetch:
        floor_fetch, _ = floor_fetched()
        log(f"floor with the grouped rows fetched into Python: {floor_fetch:.2f} s "
            f"(rollup / that: {full_s / floor_fetch:.1f}×)")

    year = built["years"][-1]
    year_s, year_parts, year_rows, _ = rollup(year=year)
    split = ", ".join(f"{key} {year_parts.get(key, 0):.2f} s" for key in ("load", "compute", "store"))
    verdict = "" if goal_year_s is None else f" — goal < {goal_year_s} s: {'OK' if year_s < goal_year_s else 'MISSED'}"
    log(f"re-roll of {year} alone: {year_s:.2f} s ({split}); {year_rows:,} rows replaced{verdict}")

    naive_s, naive_values, naive_schools = naive(built["years"], args.naive_schools)
    naive_per_value = naive_s / naive_values
    rollup_per_value = full_s / total
    speedup = naive_per_value / rollup_per_value
    log(f"naive ORM loop: {naive_schools} schools × {len(built['years'])} years ({naive_values:,} values) in "
        f"{naive_s:.2f} s = {naive_per_value * 1e6:.1f} µs per value; EXTRAPOLATED to {total:,} values: "
        f"{naive_per_value * total:,.0f} s")
    log(f"rollup per value: {rollup_per_value * 1e6:.2f} µs; naive/rollup per value: {speedup:,.0f}× "
        f"— goal ≥ 50×: {'OK' if speedup >= 50 else 'MISSED'}")
    peak = peak_rss_mb()
    log(f"peak RSS of this process: {peak:,.0f} MB — goal < 4 GB: {'OK' if peak < 4096 else 'MISSED'}")

    command = f"bench/rollup.py --schools {args.schools} --elements {args.elements} --years {args.years}"
    log("\nmarkdown row:")
    log(f"| `{command}` | {total:,} | {full_s:.2f} s | {floor_server:.2f} s | {ratio_server:.1f}× | "
        f"{year_s:.2f} s | {p95 * 1000:.0f} ms | {drift} | {naive_per_value * 1e6:.0f} µs vs "
        f"{rollup_per_value * 1e6:.2f} µs ({speedup:,.0f}×) | {rss_full:,.0f} MB | {rows:,} |")


if __name__ == "__main__":
    main()
