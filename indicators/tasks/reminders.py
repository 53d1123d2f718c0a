from celery import shared_task

from indicators.services.reminders import reminders_send


@shared_task(name="indicators.tasks.send_submission_reminders", acks_late=True)
def send_submission_reminders() -> int:
    # Idempotent: ReminderLog allows one reminder per school, period and day.
    return reminders_send()
