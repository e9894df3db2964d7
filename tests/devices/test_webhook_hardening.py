"""The webhook receiver needs no login: the body is capped, the signature is checked on the raw bytes
before anything is parsed, and a signed but unusable body is a 400 (never a 500)."""
import json

import pytest

from devices import webhook_events
from devices.models import WebhookEvent
from devices.waha_webhooks import sign
from tests.devices.device_fixtures import deliver_fixture, fake_waha_fixture, make_device

__all__ = ["deliver_fixture", "fake_waha_fixture"]
pytestmark = pytest.mark.django_db


@pytest.fixture
def device(workspace, fake_waha):
    return make_device(workspace, fake_waha[0], session="ws-hard")


def _deep(session, levels):
    return (b'{"event":"message","session":"' + session.encode() + b'","payload":'
            + b"[" * levels + b"]" * levels + b"}")


def test_an_unsigned_body_is_refused_without_being_parsed(client, device, monkeypatch):
    parsed = []
    monkeypatch.setattr(webhook_events.json, "loads", lambda raw: parsed.append(raw))
    body = json.dumps({"event": "message", "session": device.session_name}).encode()
    response = client.post("/webhooks/waha", data=body, content_type="application/json",
                           HTTP_X_WEBHOOK_HMAC="0" * 128)
    assert response.status_code == 401
    assert parsed == []


def test_deep_json_unsigned_is_401_and_signed_is_400(client, deliver, device):
    body = _deep(device.session_name, 100_000)
    unsigned = client.post("/webhooks/waha", data=body, content_type="application/json",
                           HTTP_X_WEBHOOK_HMAC="0" * 128)
    assert unsigned.status_code == 401
    signed = deliver(body, device.webhook_secret)
    assert signed.status_code == 400 and b"nested too deeply" in signed.content
    # Deep enough for MariaDB to refuse the JSON column, shallow enough for Python: still a clean 400.
    assert deliver(_deep(device.session_name, 40), device.webhook_secret).status_code == 400
    assert not WebhookEvent.objects.exists()


def test_signed_garbage_is_400(deliver, device):
    body = b'{"session":"' + device.session_name.encode() + b'", oops'
    response = deliver(body, device.webhook_secret)
    assert response.status_code == 400 and b"not JSON" in response.content


def test_a_body_naming_another_session_than_the_signer_is_400(deliver, device, workspace, fake_waha):
    other = make_device(workspace, fake_waha[0], session="ws-other")
    # The first "session" key is the signer's, but the envelope's own session (the last key wins) is not.
    body = (b'{"payload":{"session":"' + device.session_name.encode() + b'"},"event":"message","session":"'
            + other.session_name.encode() + b'"}')
    assert deliver(body, device.webhook_secret).status_code == 400
    assert not WebhookEvent.objects.exists()


def test_a_body_over_the_cap_is_413_before_verification(client, device, settings, monkeypatch):
    settings.WAHA_WEBHOOK_MAX_BYTES = 2048
    checked = []
    monkeypatch.setattr("devices.webhook_views.webhook_verify", lambda *a: checked.append(a))
    body = json.dumps({"event": "message", "session": device.session_name, "pad": "x" * 4000}).encode()
    response = client.post("/webhooks/waha", data=body, content_type="application/json",
                           HTTP_X_WEBHOOK_HMAC=sign(device.webhook_secret, body))
    assert response.status_code == 413
    assert checked == []


def test_the_default_cap_is_about_a_megabyte(settings):
    assert settings.WAHA_WEBHOOK_MAX_BYTES == 1024 * 1024


def test_a_body_at_the_cap_is_accepted(deliver, device, settings):
    body = json.dumps({"id": "evt_cap", "event": "session.status", "session": device.session_name,
                       "payload": {"status": "WORKING"}, "pad": ""}).encode()
    settings.WAHA_WEBHOOK_MAX_BYTES = len(body)
    assert deliver(body, device.webhook_secret).status_code == 200
