"""POST /webhooks/waha: HMAC (docs vector and real emulator envelopes), duplicates, out-of-order statuses."""
import logging

import pytest

from devices import dispatch
from devices.models import Device, WebhookEvent
from devices.services import device_create
from tests.devices.device_fixtures import (
    deliver_fixture,
    emulator_fixture,
    fake_waha_fixture,
    make_device,
    status_envelope,
)
from tests.devices.waha_fixtures import sink_fixture

__all__ = ["deliver_fixture", "emulator_fixture", "fake_waha_fixture", "sink_fixture"]
pytestmark = pytest.mark.django_db

DOCS_KEY = "my-secret-key"
DOCS_BODY = b'{"event":"message","session":"default","engine":"WEBJS"}'
DOCS_HMAC = ("208f8a55dde9e05519e898b10b89bf0d0b3b0fdf11fdbf09b6b90476301b98d8"
             "097c462b2b17a6ce93b6b47a136cf2e78a33a63f6752c2c1631777076153fa89")


@pytest.fixture
def docs_device(workspace, fake_waha):
    return make_device(workspace, fake_waha[0], session="default", webhook_secret=DOCS_KEY)


def test_docs_test_vector_is_accepted(deliver, docs_device):
    response = deliver(DOCS_BODY, signature=DOCS_HMAC)
    assert response.status_code == 200
    event = WebhookEvent.objects.get()
    assert event.device == docs_device and event.workspace == docs_device.workspace
    # "message" goes to the inbox's handler, which finds no message in this payload-less body.
    assert event.status == WebhookEvent.Status.PROCESSED


@pytest.mark.parametrize("body,signature,reason", [
    (DOCS_BODY, None, "no X-Webhook-Hmac"),
    (DOCS_BODY, "0" * 128, "wrong signature"),
    (b'{"event": "message", "session": "default", "engine": "WEBJS"}', DOCS_HMAC, "wrong signature"),
    (DOCS_BODY.replace(b"default", b"nobody"), DOCS_HMAC, "unknown session"),
    (b"not json", DOCS_HMAC, "no session"),
])
def test_unsigned_or_wrong_is_401_and_logged(client, docs_device, caplog, body, signature, reason):
    headers = {"HTTP_X_WEBHOOK_HMAC": signature} if signature else {}
    with caplog.at_level(logging.WARNING, logger="devices.webhook_views"):
        response = client.post("/webhooks/waha", data=body, content_type="application/json", **headers)
    assert response.status_code == 401
    assert reason in caplog.text
    assert not WebhookEvent.objects.exists()


def test_another_devices_key_is_refused(deliver, workspace, fake_waha, docs_device):
    other = make_device(workspace, fake_waha[0], session="ws1-other")
    body = status_envelope(docs_device, "WORKING", 1_700_000_000_000)
    assert deliver(body, other.webhook_secret).status_code == 401


def test_get_is_not_allowed(client):
    assert client.get("/webhooks/waha").status_code == 405


def test_duplicate_is_stored_and_processed_once(deliver, workspace, fake_waha, monkeypatch):
    device = make_device(workspace, fake_waha[0])
    calls = []
    monkeypatch.setitem(dispatch.HANDLERS, "message", ["tests.devices.test_webhook_receiver.record_call"])
    monkeypatch.setattr("tests.devices.test_webhook_receiver.CALLS", calls)
    body = {"id": "evt_01dup", "timestamp": 1, "event": "message", "session": device.session_name,
            "payload": {"id": "false_1@c.us_AAA", "body": "hi"}}
    for _ in range(3):
        assert deliver(body, device.webhook_secret).status_code == 200
    assert WebhookEvent.objects.count() == 1
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.PROCESSED
    assert calls == ["evt_01dup"]


CALLS = []


def record_call(*, device, event):
    CALLS.append(event["id"])


def test_out_of_order_status_does_not_overwrite_newer(deliver, workspace, fake_waha):
    device = make_device(workspace, fake_waha[0])
    me = {"id": "6281234567890@c.us", "pushName": "Shop"}
    newer = status_envelope(device, "WORKING", 1_700_000_002_000, me=me)
    older = status_envelope(device, "SCAN_QR_CODE", 1_700_000_001_000)
    assert deliver(newer, device.webhook_secret).status_code == 200
    assert deliver(older, device.webhook_secret).status_code == 200
    device.refresh_from_db()
    assert (device.status, device.waha_status, device.phone_number) == (
        Device.Status.CONNECTED, "WORKING", "6281234567890")
    # In order, the later FAILED wins and the owner sees why.
    failed = status_envelope(device, "FAILED", 1_700_000_003_000)
    deliver(failed, device.webhook_secret)
    device.refresh_from_db()
    assert device.status == Device.Status.DISCONNECTED and device.waha_status == "FAILED"
    assert device.last_error_code == "session_failed" and "Reconnect" in device.error_text


def test_same_millisecond_statuses_are_ordered_by_their_history(deliver, workspace, fake_waha):
    """A QR scanned the instant it showed: SCAN_QR_CODE and WORKING share a timestamp and may arrive
    in either order; the WORKING event lists SCAN_QR_CODE before itself, so it is the newer one."""
    device = make_device(workspace, fake_waha[0])
    ts = 1_700_000_005_000
    scan = status_envelope(device, "SCAN_QR_CODE", ts)
    working = status_envelope(device, "WORKING", ts, me={"id": "628111@c.us", "pushName": "x"})
    working["payload"]["statuses"] = [{"status": "STARTING", "timestamp": ts - 20},
                                      {"status": "SCAN_QR_CODE", "timestamp": ts},
                                      {"status": "WORKING", "timestamp": ts}]
    deliver(working, device.webhook_secret)
    deliver(scan, device.webhook_secret)
    device.refresh_from_db()
    assert device.waha_status == "WORKING" and device.is_connected
    other = make_device(workspace, fake_waha[0], session="ws1-other-order")
    for envelope in (scan, working):
        envelope = {**envelope, "id": envelope["id"] + "-b", "session": other.session_name}
        deliver(envelope, other.webhook_secret)
    other.refresh_from_db()
    assert other.waha_status == "WORKING" and other.is_connected


def test_real_signed_envelopes_from_the_emulator(deliver, client, workspace, emulator, sink, settings):
    """The emulator signs with the device's key; replaying its exact bytes drives the device to CONNECTED."""
    settings.WAHA_WEBHOOK_URL = sink.url
    device = device_create(workspace=workspace, label="Shop")
    assert emulator.wait_for_status(device.session_name, "SCAN_QR_CODE", timeout=10)
    emulator.scan(device.session_name, phone="6281311112222")
    # Deliveries are concurrent and unordered: wait (generously, CI is shared) until all three arrived.
    sink.wait_for(lambda events: {"STARTING", "SCAN_QR_CODE", "WORKING"} <= {
        e["payload"].get("status") for e in events if e["event"] == "session.status"}, timeout=15)
    with sink._lock:
        delivered = list(sink.posts)
    posts = sorted((p for p in delivered if p["json"]["event"] == "session.status" and p["answered"] == 200),
                   key=lambda p: p["json"]["timestamp"])
    assert posts and all(p["headers"]["X-Webhook-Hmac"] for p in posts)
    for post in posts:
        response = deliver(post["raw"], signature=post["headers"]["X-Webhook-Hmac"])
        assert response.status_code == 200
    device.refresh_from_db()
    seen = [(p["json"]["payload"]["status"], p["json"]["payload"]["statuses"], p["json"]["id"]) for p in posts]
    assert device.status == Device.Status.CONNECTED, (device.waha_status, device.status_changed_at, seen,
                                                      list(WebhookEvent.objects.values_list("event_id", "status")))
    assert device.phone_number == "6281311112222"
    # A byte changed after signing is refused.
    # Tamper the WORKING post itself: two posts can share a millisecond timestamp, so the last by time
    # is not always the one that carries "WORKING".
    working = next(p for p in posts if p["json"]["payload"]["status"] == "WORKING")
    tampered = working["raw"].replace(b"WORKING", b"FAILED\x20")
    assert tampered != working["raw"]
    assert client.post("/webhooks/waha", data=tampered, content_type="application/json",
                       HTTP_X_WEBHOOK_HMAC=working["headers"]["X-Webhook-Hmac"]).status_code == 401
