"""Background work of the rotator: writing queued clicks to the database."""
from celery import shared_task

from .clicks import clicks_flush


@shared_task(ignore_result=True)
def clicks_flush_task():
    # Safe to run twice or concurrently: a Redis lock serialises runs, and Click.uid drops re-written records.
    return clicks_flush()
