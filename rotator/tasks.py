"""Background work of the rotator: writing queued clicks to the database, pruning old click details."""
from celery import shared_task

from .clicks import clicks_flush, clicks_prune


@shared_task(ignore_result=True)
def clicks_flush_task():
    # Safe to run twice or concurrently: a Redis lock serialises runs, and Click.uid drops re-written records.
    return clicks_flush()


@shared_task(ignore_result=True)
def clicks_prune_task():
    return clicks_prune()
