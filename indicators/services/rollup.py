"""Rollup services: schedule (debounced), run one year, run every year."""
import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from indicators.models import RollupRun, RunStatus
from indicators.rollup import engine, load, store


def rollup_compute(*, year: int):
    """The indicator values of one year as a DataFrame (reads the database, writes nothing)."""
    return engine.compute(
        values=load.school_sums(year), schools=load.schools(), district_values=load.district_sums(year),
        district_codes=load.district_codes(), indicators=load.indicator_specs(), labels=load.unit_labels(),
    )


def rollup_run(*, run: RollupRun) -> RollupRun:
    """Compute and store; the run row records start, end, duration, rows and any error."""
    RollupRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, started_at=timezone.now(), error="",
                                               attempts=run.attempts + 1)
    started = time.monotonic()
    try:
        years = [run.year] if run.year else load.years_with_periods()
        rows = sum(store.store_year(year=y, results=rollup_compute(year=y), run=run) for y in years)
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


def rollup_schedule(*, year: int, trigger: str) -> RollupRun:
    """Schedule a rollup of ``year`` after the debounce window: while one is waiting, further
    approvals join it instead of queueing another."""
    from indicators.tasks.rollup import rollup_period

    waiting = RollupRun.objects.filter(year=year, status=RunStatus.SCHEDULED).order_by("id").first()
    if waiting is not None:
        return waiting
    run = RollupRun.objects.create(year=year, trigger=trigger)
    countdown = settings.ROLLUP_DEBOUNCE_SECONDS
    transaction.on_commit(lambda: rollup_period.apply_async((run.pk,), countdown=countdown))
    return run


def rollup_run_all(*, trigger: str = "manual", year: int | None = None) -> list[RollupRun]:
    """Run now, in this process (the nightly job, the command, the demo set-up)."""
    years = [year] if year else load.years_with_periods()
    return [rollup_run(run=RollupRun.objects.create(year=y, trigger=trigger)) for y in years]
