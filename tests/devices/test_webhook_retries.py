"""A webhook event whose handler fails is retried with backoff, then parked FAILED for operators to re-run.

Celery runs eagerly in tests: a retry runs at once (its countdown is only recorded), which is what lets one
test follow an event through every attempt. Eager propagation is off here, as in a worker, where a retry is
not an error (with it on, Celery raises its Retry to the caller instead of running the retry).
"""
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from accounts.models import User
from devices import dispatch, webhook_events
from devices.models import WebhookEvent
from devices.tasks import webhook_event_process_task
from devices.webhook_events import EventRetry, webhook_event_process, webhook_events_maintain
from tests.devices.device_fixtures import deliver_fixture, fake_waha_fixture, make_device

__all__ = ["deliver_fixture", "fake_waha_fixture"]
pytestmark = pytest.mark.django_db

CALLS = []


def deadlock_once(*, device, event):
    CALLS.append(event["id"])
    if len(CALLS) == 1:
        raise OperationalError(1213, "Deadlock found when trying to get lock; try restarting transaction")


def always_broken(*, device, event):
    CALLS.append(event["id"])
    raise RuntimeError("handler bug")


@pytest.fixture(autouse=True)
def _retries_run_like_a_worker():
    from config.celery import app

    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = True


@pytest.fixture
def handler(monkeypatch):
    calls = []
    monkeypatch.setattr("tests.devices.test_webhook_retries.CALLS", calls)

    def use(name):
        monkeypatch.setitem(dispatch.HANDLERS, "message", [f"tests.devices.test_webhook_retries.{name}"])
        return calls
    return use


@pytest.fixture
def device(workspace, fake_waha):
    return make_device(workspace, fake_waha[0])


def _body(device, event_id="evt_retry"):
    return {"id": event_id, "timestamp": 1, "event": "message", "session": device.session_name,
            "payload": {"id": "false_1@c.us_AAA", "body": "hi"}}


def _stored(device, event_id, **fields):
    return WebhookEvent.objects.create(workspace=device.workspace, device=device, event_id=event_id, event="message",
                                       envelope=_body(device, event_id), **fields)


def test_a_deadlock_once_is_retried_and_the_inbound_message_is_not_lost(deliver, device, handler):
    calls = handler("deadlock_once")
    assert deliver(_body(device), device.webhook_secret).status_code == 200
    event = WebhookEvent.objects.get()
    assert (event.status, event.attempts, event.error) == (WebhookEvent.Status.PROCESSED, 2, "")
    assert calls == ["evt_retry", "evt_retry"]


def test_retries_back_off_and_are_bounded_then_the_event_is_parked_failed(deliver, device, handler, monkeypatch):
    calls = handler("always_broken")
    countdowns = []
    real_retry = webhook_event_process_task.retry

    def spy(*args, **kwargs):
        countdowns.append(kwargs.get("countdown"))
        return real_retry(*args, **kwargs)
    monkeypatch.setattr(webhook_event_process_task, "retry", spy)

    assert deliver(_body(device), device.webhook_secret).status_code == 200  # the failure never reaches WAHA
    event = WebhookEvent.objects.get()
    assert event.status == WebhookEvent.Status.FAILED and event.attempts == webhook_events.MAX_ATTEMPTS
    assert "RuntimeError: handler bug" in event.error
    assert len(calls) == webhook_events.MAX_ATTEMPTS
    # Exponential backoff with full jitter: the n-th retry waits at most 10·2ⁿ s (capped), never all at once.
    assert len(countdowns) == webhook_events.MAX_ATTEMPTS - 1
    for n, countdown in enumerate(countdowns):
        assert 0 <= countdown <= min(webhook_events.RETRY_BACKOFF * 2 ** n, webhook_events.RETRY_BACKOFF_MAX)


def test_a_failure_with_attempts_left_is_visible_as_retrying(device, handler):
    handler("always_broken")
    event = _stored(device, "evt_vis")
    with pytest.raises(EventRetry):
        webhook_event_process(event_pk=event.pk, max_attempts=3)
    event.refresh_from_db()
    assert (event.status, event.attempts) == (WebhookEvent.Status.RETRYING, 1)
    assert "handler bug" in event.error
    # A retry claims RETRYING like PENDING; the last allowed attempt parks it instead of raising.
    with pytest.raises(EventRetry):
        webhook_event_process(event_pk=event.pk, max_attempts=3)
    assert webhook_event_process(event_pk=event.pk, max_attempts=3) == WebhookEvent.Status.FAILED
    assert webhook_event_process(event_pk=event.pk, max_attempts=3) is None  # parked: not claimed again


def test_maintain_requeues_a_lost_retry_and_parks_a_worker_killer(device, handler):
    calls = handler("deadlock_once")
    now = timezone.now()
    lost = _stored(device, "evt_lost_retry", status=WebhookEvent.Status.RETRYING, attempts=2,
                   processed_at=now - webhook_events.RETRY_LOST_AFTER - timedelta(seconds=1))
    waiting = _stored(device, "evt_waiting", status=WebhookEvent.Status.RETRYING, attempts=1,
                      processed_at=now - timedelta(seconds=30))
    killer = _stored(device, "evt_killer", status=WebhookEvent.Status.PROCESSING,
                     attempts=webhook_events.MAX_ATTEMPTS, processed_at=now - timedelta(minutes=6))
    deleted, requeued = webhook_events_maintain(now=now)
    assert requeued == 1 and calls == ["evt_lost_retry", "evt_lost_retry"]
    assert WebhookEvent.objects.get(pk=lost.pk).status == WebhookEvent.Status.PROCESSED
    assert WebhookEvent.objects.get(pk=waiting.pk).status == WebhookEvent.Status.RETRYING  # its retry is due later
    killer.refresh_from_db()
    assert killer.status == WebhookEvent.Status.FAILED and "worker stopped" in killer.error


@pytest.fixture
def operator_client(client):
    user = User.objects.create_superuser(email="ops@example.com", password="pw-long-enough-123")
    client.force_login(user)
    return client


def test_operators_filter_failed_events_and_run_them_again(operator_client, device, handler,
                                                           django_capture_on_commit_callbacks):
    calls = handler("deadlock_once")
    parked = _stored(device, "evt_parked", status=WebhookEvent.Status.FAILED, attempts=6, error="Deadlock")
    done = _stored(device, "evt_done", status=WebhookEvent.Status.PROCESSED, attempts=1)
    listing = operator_client.get("/admin/devices/webhookevent/?status__exact=FAILED")
    assert listing.status_code == 200
    assert "evt_parked" in listing.content.decode() and "evt_done" not in listing.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = operator_client.post("/admin/devices/webhookevent/", {
            "action": "rerun", "_selected_action": [parked.pk, done.pk]}, follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert "1 failed event queued again." in text and "1 event skipped" in text
    parked.refresh_from_db()
    # The re-run got a fresh set of attempts: its first one deadlocked again, the retry went through.
    assert (parked.status, parked.attempts, parked.error) == (WebhookEvent.Status.PROCESSED, 2, "")
    assert calls == ["evt_parked", "evt_parked"]
    assert WebhookEvent.objects.get(pk=done.pk).attempts == 1  # a processed event is not run again
