"""Billing's Celery tasks: thin wrappers around services."""
from celery import shared_task

from . import services, trials


@shared_task
def subscriptions_expire_task():
    return services.subscriptions_expire()


@shared_task
def trials_remind_task():
    return trials.trials_remind()
