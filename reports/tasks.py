from celery import shared_task

from reports.models import ExportJob
from reports.services import export_job_run


@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_export(job_id: int) -> str:
    job = ExportJob.objects.filter(pk=job_id).first()
    if job is None:
        return "gone"
    return export_job_run(job=job).status
