"""Celery tasks of the devices app: thin, ids in, safe to run twice."""
from celery import shared_task

from . import webhook_events
from .models import WahaServer
from .services import server_reconcile
from .webhook_events import EventRetry, webhook_event_process, webhook_events_maintain


@shared_task(bind=True, acks_late=True, autoretry_for=(EventRetry,), max_retries=webhook_events.MAX_ATTEMPTS - 1,
             retry_backoff=webhook_events.RETRY_BACKOFF, retry_backoff_max=webhook_events.RETRY_BACKOFF_MAX,
             retry_jitter=True)
def webhook_event_process_task(self, event_pk):
    # The row counts attempts (a lost retry or a re-queue starts a new message at retries=0), so it, not
    # self.request.retries, decides which failure is the last; the two agree when nothing was lost.
    webhook_event_process(event_pk=event_pk, max_attempts=self.max_retries + 1)


@shared_task
def devices_reconcile_task():
    """Ask every server which sessions it has and mark devices whose session vanished or changed."""
    for server in WahaServer.objects.filter(devices__isnull=False).distinct():
        server_reconcile(server=server)


@shared_task
def webhook_events_maintain_task():
    webhook_events_maintain()
