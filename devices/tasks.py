"""Celery tasks of the devices app: thin, ids in, safe to run twice."""
from celery import shared_task

from . import health, ramp, webhook_events
from .models import Device, WahaServer
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


@shared_task
def devices_health_poll_task():
    """Beat: read WhatsApp's limits (/me) of the connected numbers that are due (devices/health.py)."""
    health.health_poll_due()


@shared_task
def device_health_poll_task(device_id):
    """One number's /me, asked by a send error that hints at a limit; a device gone meanwhile is no error."""
    device = Device.objects.select_related("server").filter(pk=device_id).first()
    if device is not None:
        health.health_poll(device=device)


@shared_task
def devices_ramp_evaluate_task():
    """Beat: today's step of each warming number's ramp (climb, hold, step back), once per local day."""
    ramp.ramp_evaluate_due()
