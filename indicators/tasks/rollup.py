from celery import shared_task
from django.db import DatabaseError

from indicators.models import RollupRun, RunStatus


@shared_task(name="indicators.tasks.rollup_period", acks_late=True, reject_on_worker_lost=True,
             autoretry_for=(DatabaseError,), retry_backoff=2, retry_backoff_max=60, max_retries=5)
def rollup_period(run_id: int) -> int | None:
    """Idempotent: a finished run is not repeated; a run left 'running' by a killed worker is redone
    (its results were never committed, so the previous ones are still there). A database error (a lost
    connection, a deadlock) is retried with back-off rather than leaving the approvals it carries out."""
    from indicators.services.rollup import rollup_run

    run = RollupRun.objects.filter(pk=run_id).first()
    if run is None or run.status == RunStatus.SUCCEEDED:
        return None
    return rollup_run(run=run).rows_written


@shared_task(name="indicators.tasks.rollup_all", acks_late=True, reject_on_worker_lost=True)
def rollup_all() -> int:
    """Nightly: one run per year, queued, so the workers share the re-roll; each checks for drift."""
    from indicators.services.rollup import rollup_nightly

    return len(rollup_nightly())


@shared_task(name="indicators.tasks.rollup_sweep", acks_late=True)
def rollup_sweep() -> int:
    """Every minute: queue again the runs whose message was lost or whose worker died."""
    from indicators.services.rollup import rollup_sweep as sweep

    return len(sweep())
