"""Thin Celery tasks of the integrations app: ids in, safe to run twice (the row decides)."""
from celery import shared_task

from . import webhooks


@shared_task(acks_late=True, ignore_result=True)
def webhook_deliver_task(delivery_id):
    return webhooks.delivery_attempt(delivery_id)


@shared_task(ignore_result=True)
def webhook_deliveries_sweep_task():
    return webhooks.webhook_deliveries_sweep()
