"""WAHA's webhooks while the broker (Redis) is down (issue 12 #9): the event is stored and answered 200 (it
used to be a 500 after the commit), and the maintenance sweep processes it once the broker is back."""
from datetime import timedelta

import pytest
from django.utils import timezone

from devices.models import Device, WebhookEvent
from devices.webhook_events import REQUEUE_AFTER, webhook_events_maintain
from tests.devices.device_fixtures import fake_waha_fixture, make_device, signed_post, status_envelope
from tests.outage import broker_down_fixture

__all__ = ["broker_down_fixture", "fake_waha_fixture"]
pytestmark = pytest.mark.django_db


def test_a_webhook_while_the_queue_is_down_is_stored_answered_200_and_swept_later(
        client, workspace, fake_waha, broker_down, django_capture_on_commit_callbacks):
    device = make_device(workspace, fake_waha[0], status=Device.Status.DISCONNECTED)
    with django_capture_on_commit_callbacks(execute=True):  # the publish after the commit is what used to raise
        response = signed_post(client, status_envelope(device, "WORKING", 1_700_000_000_000), device.webhook_secret)
    assert response.status_code == 200
    event = WebhookEvent.objects.get()
    assert event.status == WebhookEvent.Status.PENDING
    broker_down.end()
    assert webhook_events_maintain(now=timezone.now() + REQUEUE_AFTER + timedelta(seconds=1)) == (0, 1)
    event.refresh_from_db()
    device.refresh_from_db()
    assert event.status == WebhookEvent.Status.PROCESSED and device.status == Device.Status.CONNECTED


def test_the_maintenance_sweep_while_the_queue_is_still_down_keeps_the_events(client, workspace, fake_waha,
                                                                             broker_down):
    device = make_device(workspace, fake_waha[0])
    signed_post(client, status_envelope(device, "WORKING", 1_700_000_000_000), device.webhook_secret)
    assert webhook_events_maintain(now=timezone.now() + REQUEUE_AFTER + timedelta(seconds=1)) == (0, 0)
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.PENDING
