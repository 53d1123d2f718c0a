from celery import shared_task

from indicators.models import RollupRun, RunStatus


@shared_task(name="indicators.tasks.rollup_period", acks_late=True, reject_on_worker_lost=True)
def rollup_period(run_id: int) -> int | None:
    """Idempotent: a finished run is not repeated; a run left 'running' by a killed worker is redone
    (its results were never committed, so the previous ones are still there)."""
    from indicators.services.rollup import rollup_run

    run = RollupRun.objects.filter(pk=run_id).first()
    if run is None or run.status == RunStatus.SUCCEEDED:
        return None
    return rollup_run(run=run).rows_written


@shared_task(name="indicators.tasks.rollup_all", acks_late=True, reject_on_worker_lost=True)
def rollup_all() -> int:
    from indicators.services.rollup import rollup_run_all

    return len(rollup_run_all(trigger="nightly"))
