"""Rollup services: schedule (debounced), run, sweep.

The invariant: once the last approval has committed and the system is quiet, the stored values equal
a full recomputation from the approved data. What keeps it:

* **Scheduling happens after the approval commits** (``transaction.on_commit``): a run that has already
  started reading is never joined by an approval it cannot see; joining a waiting run and the run
  starting are ordered by a row lock on the run.
* **One rollup of a year at a time, reading one snapshot**: a run takes its year's lock (PostgreSQL advisory
  locks; SQLite has one writer anyway) — a run of every year takes them all — then reads in one REPEATABLE
  READ transaction and writes in that same transaction: two runs of a year never interleave, a failing year
  of a multi-year run leaves every year as it was, and runs of different years proceed side by side.
* **Nothing waits for ever**: a run whose message was never queued (broker down) or whose worker died
  is picked up again by ``rollup_sweep`` (beat, every minute); the task retries on database errors.
"""
import contextlib
import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from indicators.models import IndicatorValue, RollupDelta, RollupRun, RunStatus, TargetStatus
from indicators.rollup import engine, incremental, load, store

log = logging.getLogger(__name__)
_LOCK_KEY = 0x6564_7567  # "edug": the advisory locks of rollups are (this, 0) for all years and (this, year)


def rollup_compute(*, year: int):
    """The indicator values of one year as a DataFrame (reads the database, writes nothing)."""
    return engine.compute(
        values=load.school_sums(year), schools=load.schools(), district_values=load.district_sums(year),
        district_codes=load.district_codes(), indicators=load.indicator_specs(), labels=load.unit_labels(),
    )


@contextlib.contextmanager
def _exclusive_snapshot(year: int | None):
    """Serialise the rollups of a year and give the run one consistent view of the data. Locks are session
    advisory locks taken *before* the transaction starts, so the snapshot is taken after the previous run of
    the year committed. A run of one year holds the all-years lock shared and its year's lock exclusive, so
    runs of different years proceed side by side (two Celery workers share a nightly re-roll); a run of
    every year holds the all-years lock exclusive."""
    postgres = connection.vendor == "postgresql"
    outermost = not connection.in_atomic_block  # inside a caller's transaction its snapshot is the one we get
    if postgres:
        with connection.cursor() as cursor:
            if year is None:
                cursor.execute("SELECT pg_advisory_lock(%s, 0)", [_LOCK_KEY])
            else:
                cursor.execute("SELECT pg_advisory_lock_shared(%s, 0), pg_advisory_lock(%s, %s)",
                               [_LOCK_KEY, _LOCK_KEY, int(year)])
    try:
        with transaction.atomic():
            if postgres and outermost:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            yield
    finally:
        if postgres:
            with connection.cursor() as cursor:
                if year is None:
                    cursor.execute("SELECT pg_advisory_unlock(%s, 0)", [_LOCK_KEY])
                else:
                    cursor.execute("SELECT pg_advisory_unlock(%s, %s), pg_advisory_unlock_shared(%s, 0)",
                                   [_LOCK_KEY, int(year), _LOCK_KEY])


def _start(run: RollupRun) -> bool:
    """Mark the run as running; False if another delivery already finished it. The row lock orders this
    against an approval deciding to join the run (``_schedule_after_commit``)."""
    with transaction.atomic():
        current = RollupRun.objects.select_for_update().filter(pk=run.pk).first()
        if current is None or current.status == RunStatus.SUCCEEDED:
            return False
        RollupRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, started_at=timezone.now(), error="",
                                                   attempts=current.attempts + 1)
    return True


def rollup_run(*, run: RollupRun) -> RollupRun:
    """Compute and store the run's year (or every year) in one transaction; the run row records start, end,
    duration, rows and any error. Years that no longer have reporting periods lose their stored values.
    An incremental run applies the pending approvals of its year instead (a full run of the year when the
    stored rows cannot take them)."""
    if not _start(run):
        run.refresh_from_db()
        return run
    started = time.monotonic()
    drift = None
    try:
        with _exclusive_snapshot(run.year):
            known = load.years_with_periods()
            years = ([run.year] if run.year in known else []) if run.year else known
            if run.incremental and years:
                rows = _apply_incremental(year=years[0], run=run)
            else:
                rows, drift = 0, 0
                for year in years:
                    # a year already stored with no change pending must come out the same: else it drifted
                    checked = (IndicatorValue.objects.filter(year=year).exists()
                               and not RollupDelta.objects.filter(year=year).exists())
                    counts: dict = {}
                    rows += store.store_year(year=year, results=rollup_compute(year=year), run=run, counts=counts)
                    RollupDelta.objects.filter(year=year).delete()  # the snapshot's deltas: now counted
                    if checked:
                        drift += counts["values"]
                if drift:
                    log.warning("rollup run %s repaired %s stored rows that differed from a full recomputation",
                                run.pk, drift)
            _forget_years(only=run.year, keep=known)
    except Exception as exc:
        RollupRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, finished_at=timezone.now(),
                                                   error=f"{type(exc).__name__}: {exc}"[:5000])
        raise
    RollupRun.objects.filter(pk=run.pk).update(
        status=RunStatus.SUCCEEDED, finished_at=timezone.now(), rows_written=rows, drift_rows=drift,
        duration_ms=int((time.monotonic() - started) * 1000),
    )
    run.refresh_from_db()
    return run


def _apply_incremental(*, year: int, run: RollupRun) -> int:
    """Add the pending approvals' changes to the stored sums of their units; fall back to a full run of the
    year when a changed school's unit has no stored row (a new or moved school)."""
    specs, district_codes = load.indicator_specs(), load.district_codes()
    try:
        rows, applied = incremental.apply_pending(year=year, specs=specs, district_codes=district_codes,
                                                  district_values=load.district_sums(year), labels=None)
    except incremental.NeedsFullRun as exc:
        log.info("rollup run %s: incremental update of %s needs a full run (%s)", run.pk, year, exc)
        written = store.store_year(year=year, results=rollup_compute(year=year), run=run)
        RollupDelta.objects.filter(year=year).delete()
        return written
    if not applied:
        return 0
    now = timezone.now()
    with transaction.atomic():
        only = Q(indicator_id__in={k[0] for k in rows}, unit_key__in={k[2] for k in rows})
        written = store.store_rows(year=year, rows=rows, run=run, now=now, only=only) if rows else 0
        written += store.store_target_statuses(year=year, run=run, now=now)
        RollupDelta.objects.filter(pk__in=applied).delete()
    return written


def _forget_years(*, only: int | None, keep: list[int]) -> None:
    """Values of a year whose reporting periods are gone describe nothing any more."""
    values, statuses = IndicatorValue.objects.exclude(year__in=keep), TargetStatus.objects.exclude(
        target__year__in=keep)
    if only is not None:
        values, statuses = values.filter(year=only), statuses.filter(target__year=only)
    values.delete()
    statuses.delete()


def rollup_schedule(*, year: int | None, trigger: str) -> None:
    """Schedule a full rollup of ``year`` (None: every year) once the caller's transaction commits."""
    transaction.on_commit(lambda: _schedule_after_commit(year=year, trigger=trigger))


def rollup_figures_before(submission) -> dict[str, int] | None:
    """Call in the transaction that changes a school submission's approval, before the change: locks the
    school (its changes are recorded one after another) and returns its approved figures of the year."""
    if submission.school_id is None:
        return None
    incremental.lock_school(submission.school_id)
    return incremental.figures_of(year=submission.period.year, school_id=submission.school_id)


def rollup_submission_changed(*, submission, before: dict[str, int] | None, trigger: str) -> None:
    """Call after the change, in the same transaction. A school's change is recorded as a delta and applied
    incrementally at once (within a second); the district's own figures reach every unit, so they cause a
    full run of the year (debounced)."""
    year = submission.period.year
    if submission.school_id is None or before is None:
        rollup_schedule(year=year, trigger=trigger)
        return
    if incremental.record_change(year=year, school_id=submission.school_id, before=before):
        transaction.on_commit(lambda: _schedule_after_commit(year=year, trigger=trigger, incremental_run=True))


def _stale_before():
    grace = settings.ROLLUP_DEBOUNCE_SECONDS + settings.ROLLUP_STALE_SECONDS
    return timezone.now() - timedelta(seconds=grace)


def _schedule_after_commit(*, year: int | None, trigger: str, incremental_run: bool = False) -> RollupRun:
    """Join a run that is still waiting (it will read after this approval committed), else queue a new one:
    a full run after the debounce window, an incremental one at once. A waiting run older than its window is
    stuck (never queued): not joined. An incremental change joins a waiting full run of its year too."""
    with transaction.atomic():
        waiting = RollupRun.objects.select_for_update().filter(
            year=year, status=RunStatus.SCHEDULED, scheduled_at__gte=_stale_before())
        if not incremental_run:
            waiting = waiting.filter(incremental=False)
        waiting = waiting.order_by("id").first()
        if waiting is not None:
            return waiting
        run = RollupRun.objects.create(year=year, trigger=trigger, incremental=incremental_run)
    _enqueue(run, countdown=0 if incremental_run else settings.ROLLUP_DEBOUNCE_SECONDS)
    return run


def _enqueue(run: RollupRun, *, countdown: int) -> None:
    from indicators.tasks.rollup import rollup_period

    try:
        rollup_period.apply_async((run.pk,), countdown=countdown)
    except Exception as exc:
        # The broker is down: the run stays scheduled and the sweeper queues it later. (Run eagerly, a
        # failing rollup has recorded its own error on the run.) Either way the approval that asked for it
        # has committed and must not fail now.
        log.exception("rollup run %s could not be queued or failed", run.pk)
        RollupRun.objects.filter(pk=run.pk, status=RunStatus.SCHEDULED).update(
            error=f"未能排队: {exc}"[:5000])


def rollup_sweep() -> list[int]:
    """Queue again the runs that would otherwise wait for ever: scheduled runs past their window (their
    message was lost or never sent) and running runs past the time limit (their worker died)."""
    limit = timezone.now() - timedelta(seconds=settings.ROLLUP_RUNNING_TIMEOUT_SECONDS)
    stuck = list(RollupRun.objects.filter(status=RunStatus.SCHEDULED, scheduled_at__lt=_stale_before())
                 .values_list("pk", flat=True))
    stuck += RollupRun.objects.filter(status=RunStatus.RUNNING, started_at__lt=limit).values_list("pk", flat=True)
    for pk in stuck:
        _enqueue(RollupRun(pk=pk), countdown=0)
    return stuck


def rollup_nightly() -> list[int]:
    """The nightly re-roll as one queued run per year, so the Celery workers share it (each year is one
    transaction of its own); years that lost their reporting periods are forgotten first."""
    with _exclusive_snapshot(None):
        known = load.years_with_periods()
        _forget_years(only=None, keep=known)
    runs = [RollupRun.objects.create(year=year, trigger="nightly") for year in known]
    for run in runs:
        _enqueue(run, countdown=0)
    return [run.pk for run in runs]


def rollup_run_all(*, trigger: str = "manual", year: int | None = None) -> list[RollupRun]:
    """Run now, in this process (the nightly job, the command, the demo set-up): every year in one run."""
    return [rollup_run(run=RollupRun.objects.create(year=year, trigger=trigger))]
