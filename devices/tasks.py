"""Celery tasks of the devices app: thin, ids in, safe to run twice."""
from celery import shared_task

from .models import WahaServer
from .services import server_reconcile
from .webhook_events import webhook_event_process, webhook_events_maintain


@shared_task
def webhook_event_process_task(event_pk):
    webhook_event_process(event_pk=event_pk)


@shared_task
def devices_reconcile_task():
    """Ask every server which sessions it has and mark devices whose session vanished or changed."""
    for server in WahaServer.objects.filter(devices__isnull=False).distinct():
        server_reconcile(server=server)


@shared_task
def webhook_events_maintain_task():
    webhook_events_maintain()
