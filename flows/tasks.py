"""Background work of flows: the beat's sweep of reminders and timeouts (safe to run twice: each run is
claimed by a conditional UPDATE, flows.runtime.runs_timeout)."""
from celery import shared_task

from .runtime import runs_timeout


@shared_task(ignore_result=True)
def runs_timeout_task():
    return runs_timeout()
