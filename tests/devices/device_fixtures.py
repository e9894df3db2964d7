"""Fixtures for the devices app's own tests (services, webhooks, API, pages).

- ``emulator``: an in-process WAHA emulator (GOWS) that ``default_server()`` points at (sandbox mode).
- ``fake_waha``: a WAHA server row at http://waha.test for ``responses``-based tests (unregistered URLs fail).
- ``signed_post``: posts a raw body to /webhooks/waha signed with a key, as WAHA does.
Imported by name (no conftest), like helper-1's ``waha_fixtures``.
"""
import json

import pytest
import responses

from devices.emulator import EmulatorServer
from devices.models import Device, WahaServer
from devices.waha_webhooks import sign

API_KEY = "dev-test-key"
FAKE_URL = "http://waha.test"


@pytest.fixture(name="emulator")
def emulator_fixture(settings, db):
    server = EmulatorServer(port=0, engine="GOWS", api_key=API_KEY, status_delay=0.02, qr_wait=8).start()
    settings.WAHA_URL = ""
    settings.SANDBOX_MODE = True
    settings.SANDBOX_WAHA_URL = server.url
    settings.SANDBOX_WAHA_API_KEY = API_KEY
    # Nothing listens here: the emulator's deliveries fail quietly; tests replay envelopes themselves.
    settings.WAHA_WEBHOOK_URL = "http://127.0.0.1:9/webhooks/waha"
    yield server
    server.stop()


@pytest.fixture(name="fake_waha")
def fake_waha_fixture(settings, db):
    settings.WAHA_URL = FAKE_URL
    settings.WAHA_API_KEY = API_KEY
    settings.SANDBOX_MODE = False
    settings.WAHA_WEBHOOK_URL = "http://sebar.test/webhooks/waha"
    server = WahaServer.objects.create(name="Default WAHA", base_url=FAKE_URL, api_key=API_KEY)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield server, mock


def make_device(workspace, server, session="ws-test-1", **fields):
    fields.setdefault("label", "Sales")
    return Device.objects.create(workspace=workspace, server=server, session_name=session, **fields)


def signed_post(client, body, key, **headers):
    raw = body if isinstance(body, bytes) else json.dumps(body, separators=(",", ":")).encode()
    extra = {"HTTP_X_WEBHOOK_HMAC": sign(key, raw)} if key else {}
    extra.update(headers)
    return client.post("/webhooks/waha", data=raw, content_type="application/json", **extra)


def status_envelope(device, status, ts, *, event_id=None, me=None):
    return {"id": event_id or f"evt_{status.lower()}_{ts}", "timestamp": ts + 5, "event": "session.status",
            "session": device.session_name, "me": me,
            "payload": {"name": device.session_name, "status": status,
                        "statuses": [{"status": "STARTING", "timestamp": ts - 10}, {"status": status, "timestamp": ts}],
                        "data": None},
            "engine": "GOWS"}


@pytest.fixture(name="deliver")
def deliver_fixture(client, django_capture_on_commit_callbacks):
    """POST a webhook and run what it queued on commit (the test's transaction never commits)."""

    def post(body, key=None, *, signature=None):
        raw = body if isinstance(body, bytes) else json.dumps(body, separators=(",", ":")).encode()
        headers = {}
        if signature or key:
            headers["HTTP_X_WEBHOOK_HMAC"] = signature or sign(key, raw)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/webhooks/waha", data=raw, content_type="application/json", **headers)

    return post
