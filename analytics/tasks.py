"""Analytics tasks: the beat's roll-up of marked days (safe to run twice: it recounts, never adds)."""
from celery import shared_task

from .rollup import rollup_pending


@shared_task
def analytics_rollup_task():
    return rollup_pending()
