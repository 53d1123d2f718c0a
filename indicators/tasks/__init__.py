"""Celery tasks of the indicators app (autodiscovered as ``indicators.tasks``)."""
from indicators.tasks.reminders import send_submission_reminders
from indicators.tasks.rollup import rollup_all, rollup_period, rollup_sweep
from indicators.tasks.uploads import clean_excel_uploads

__all__ = ["clean_excel_uploads", "send_submission_reminders", "rollup_all", "rollup_period", "rollup_sweep"]
