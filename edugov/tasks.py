from celery import shared_task


@shared_task(name="edugov.tasks.notify_overdue_items", acks_late=True, task_reject_on_worker_lost=True)
def notify_overdue_items() -> int:
    # Idempotent: each notice carries a key, once per item and person.
    from plans.services.progress import action_items_notify_overdue

    return action_items_notify_overdue()
