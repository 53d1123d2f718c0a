from celery import shared_task

from indicators.services.imports import excel_uploads_clean


@shared_task(name="indicators.tasks.clean_excel_uploads", acks_late=True)
def clean_excel_uploads() -> int:
    # Idempotent: a second run finds nothing old enough to delete.
    return excel_uploads_clean()
