"""Rollup services: schedule (debounced), run, sweep.

The invariant: once the last approval has committed and the system is quiet, the stored values equal
a full recomputation from the approved data. What keeps it:

* **Scheduling happens after the approval commits** (``transaction.on_commit``): a run that has already
  started reading is never joined by an approval it cannot see; joining a waiting run and the run
  starting are ordered by a row lock on the run.
* **One rollup at a time, reading one snapshot**: a run takes a lock (a PostgreSQL advisory lock; SQLite
  has one writer anyway), then reads every year in one REPEATABLE READ transaction and writes every year
  in that same transaction — two runs never interleave, a failing year leaves every year as it was.
* **Nothing waits for ever**: a run whose message was never queued (broker down) or whose worker died
  is picked up again by ``rollup_sweep`` (beat, every minute); the task retries on database errors.
"""
import contextlib
import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from indicators.models import IndicatorValue, RollupRun, RunStatus, TargetStatus
from indicators.rollup import engine, load, store

log = logging.getLogger(__name__)
_LOCK_KEY = 0x6564_7567  # "edug": the one advisory lock all rollups share


def rollup_compute(*, year: int):
    """The indicator values of one year as a DataFrame (reads the database, writes nothing)."""
    return engine.compute(
        values=load.school_sums(year), schools=load.schools(), district_values=load.district_sums(year),
        district_codes=load.district_codes(), indicators=load.indicator_specs(), labels=load.unit_labels(),
    )


@contextlib.contextmanager
def _exclusive_snapshot():
    """Serialise rollups and give the run one consistent view of the data. The advisory lock is a session
    lock taken *before* the transaction starts, so the snapshot is taken after the previous run committed."""
    postgres = connection.vendor == "postgresql"
    outermost = not connection.in_atomic_block  # inside a caller's transaction its snapshot is the one we get
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [_LOCK_KEY])
    try:
        with transaction.atomic():
            if postgres and outermost:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            yield
    finally:
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [_LOCK_KEY])


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
    duration, rows and any error. Years that no longer have reporting periods lose their stored values."""
    if not _start(run):
        run.refresh_from_db()
        return run
    started = time.monotonic()
    try:
        with _exclusive_snapshot():
            known = load.years_with_periods()
            years = ([run.year] if run.year in known else []) if run.year else known
            rows = sum(store.store_year(year=y, results=rollup_compute(year=y), run=run) for y in years)
            _forget_years(only=run.year, keep=known)
    except Exception as exc:
        RollupRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, finished_at=timezone.now(),
                                                   error=f"{type(exc).__name__}: {exc}"[:5000])
        raise
    RollupRun.objects.filter(pk=run.pk).update(
        status=RunStatus.SUCCEEDED, finished_at=timezone.now(), rows_written=rows,
        duration_ms=int((time.monotonic() - started) * 1000),
    )
    run.refresh_from_db()
    return run


def _forget_years(*, only: int | None, keep: list[int]) -> None:
    """Values of a year whose reporting periods are gone describe nothing any more."""
    values, statuses = IndicatorValue.objects.exclude(year__in=keep), TargetStatus.objects.exclude(
        target__year__in=keep)
    if only is not None:
        values, statuses = values.filter(year=only), statuses.filter(target__year=only)
    values.delete()
    statuses.delete()


def rollup_schedule(*, year: int, trigger: str) -> None:
    """Schedule a rollup of ``year`` once the caller's transaction commits (at once outside one)."""
    transaction.on_commit(lambda: _schedule_after_commit(year=year, trigger=trigger))


def _stale_before():
    grace = settings.ROLLUP_DEBOUNCE_SECONDS + settings.ROLLUP_STALE_SECONDS
    return timezone.now() - timedelta(seconds=grace)


def _schedule_after_commit(*, year: int, trigger: str) -> RollupRun:
    """Join a run that is still waiting (it will read after this approval committed), else queue a new one
    after the debounce window. A waiting run older than its window is stuck (never queued): not joined."""
    with transaction.atomic():
        waiting = (RollupRun.objects.select_for_update().filter(
            year=year, status=RunStatus.SCHEDULED, scheduled_at__gte=_stale_before()).order_by("id").first())
        if waiting is not None:
            return waiting
        run = RollupRun.objects.create(year=year, trigger=trigger)
    _enqueue(run, countdown=settings.ROLLUP_DEBOUNCE_SECONDS)
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


def rollup_run_all(*, trigger: str = "manual", year: int | None = None) -> list[RollupRun]:
    """Run now, in this process (the nightly job, the command, the demo set-up): every year in one run."""
    return [rollup_run(run=RollupRun.objects.create(year=year, trigger=trigger))]
