"""Billing's Celery tasks: thin wrappers around services."""
from celery import shared_task

from . import services


@shared_task
def subscriptions_expire_task():
    return services.subscriptions_expire()
