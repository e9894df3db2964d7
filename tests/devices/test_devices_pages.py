"""Devices pages: list with live rows, Add device → QR, pairing code, sandbox helpers, switch, delete."""
import pytest

from devices import services
from devices.models import Device
from tests.devices.device_fixtures import FAKE_URL, emulator_fixture, fake_waha_fixture, make_device

__all__ = ["emulator_fixture", "fake_waha_fixture"]
pytestmark = pytest.mark.django_db


def test_empty_list_invites_to_add(owner_client):
    response = owner_client.get("/devices/")
    assert response.status_code == 200
    assert b"No WhatsApp number yet" in response.content and b'href="/devices/add"' in response.content


def test_agents_may_not_see_devices(agent_client):
    assert agent_client.get("/devices/").status_code == 403
    assert agent_client.post("/devices/add", {"label": "x"}).status_code == 403


def test_add_device_shows_a_qr_that_polls_and_a_sandbox_button(owner_client, workspace, emulator):
    response = owner_client.post("/devices/add", {"label": "Sales"})
    device = Device.objects.get(workspace=workspace)
    assert response.status_code == 302 and response["Location"] == f"/devices/{device.session_name}/connect"
    page = owner_client.get(response["Location"]).content.decode()
    assert "Sandbox: scan with the emulator" in page
    assert f'hx-get="/devices/{device.session_name}/qr"' in page
    qr = owner_client.get(f"/devices/{device.session_name}/qr").content.decode()
    assert 'src="data:image/png;base64,' in qr and 'hx-trigger="every 3s"' in qr


def test_add_device_over_the_limit_says_so(owner_client, workspace, fake_waha):
    assert b'data-testid="device-limit"' not in owner_client.get("/devices/add").content
    make_device(workspace, fake_waha[0])
    warned = owner_client.get("/devices/add").content.decode()
    assert 'data-testid="device-limit"' in warned and "allows 1 device" in warned
    response = owner_client.post("/devices/add", {"label": "Second"})
    assert response.status_code == 200
    assert "allows 1 device" in response.content.decode()


def test_connected_qr_partial_stops_polling_and_links_back(owner_client, workspace, fake_waha):
    make_device(workspace, fake_waha[0], session="ws1-ok", status=Device.Status.CONNECTED,
                phone_number="628123", waha_status="WORKING")
    body = owner_client.get("/devices/ws1-ok/qr").content.decode()
    assert "Connected!" in body and "hx-trigger" not in body and 'href="/devices/"' in body


def test_sandbox_scan_button_links_the_emulated_phone(owner_client, workspace, emulator):
    owner_client.post("/devices/add", {"label": "Sales"})
    device = Device.objects.get()
    assert emulator.wait_for_status(device.session_name, "SCAN_QR_CODE", timeout=10)
    response = owner_client.post(f"/devices/{device.session_name}/sandbox-scan")
    assert response.status_code == 302
    assert emulator.status(device.session_name) == "WORKING"


def test_pairing_code_partial(owner_client, workspace, emulator):
    owner_client.post("/devices/add", {"label": "Sales"})
    device = Device.objects.get()
    body = owner_client.post(f"/devices/{device.session_name}/pairing-code", {"phone": "+62 812 3456 7890"},
                             HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="pairing-code"' in body
    bad = owner_client.post(f"/devices/{device.session_name}/pairing-code", {"phone": "123"}).content.decode()
    assert "not a valid phone number" in bad


def test_simulate_inbound_makes_the_emulator_post_a_message(owner_client, workspace, emulator):
    owner_client.post("/devices/add", {"label": "Sales"})
    device = Device.objects.get()
    assert emulator.wait_for_status(device.session_name, "SCAN_QR_CODE", timeout=10)
    emulator.scan(device.session_name, phone="6281200000009")
    Device.objects.filter(pk=device.pk).update(status=Device.Status.CONNECTED, waha_status="WORKING")
    listing = owner_client.get("/devices/").content.decode()
    assert "Simulate a customer message" in listing
    owner_client.post(f"/devices/{device.session_name}/simulate-inbound", {"text": "Halo kak"})
    messages = emulator.emulator.state.messages[device.session_name]
    assert any(getattr(m, "body", None) == "Halo kak" for m in messages)


def test_broadcast_switch_and_rows_partial(owner_client, workspace, fake_waha):
    device = make_device(workspace, fake_waha[0], session="ws1-sw")
    response = owner_client.post("/devices/ws1-sw/broadcast", {"on": "0"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and b'id="device-ws1-sw"' in response.content
    device.refresh_from_db()
    assert device.is_active_for_broadcast is False
    rows = owner_client.get("/devices/rows").content.decode()
    assert 'aria-checked="false"' in rows


def test_last_error_is_shown_beside_the_device(owner_client, workspace, fake_waha):
    make_device(workspace, fake_waha[0], session="ws1-err", waha_status="FAILED", last_error="Phone unlinked")
    body = owner_client.get("/devices/").content.decode()
    assert "Phone unlinked" in body and "Reconnect" in body


def test_delete_asks_first_then_deletes(owner_client, workspace, fake_waha):
    server, mock = fake_waha
    make_device(workspace, server, session="ws1-d")
    confirm = owner_client.get("/devices/ws1-d/delete")
    assert confirm.status_code == 200 and b"Delete this device" in confirm.content
    assert Device.objects.exists()
    mock.post(f"{FAKE_URL}/api/sessions/ws1-d/logout", json={}, status=201)
    mock.delete(f"{FAKE_URL}/api/sessions/ws1-d", body=b"")
    assert owner_client.post("/devices/ws1-d/delete").status_code == 302
    assert not Device.objects.exists()


def test_disconnect_asks_first_then_logs_out(owner_client, workspace, fake_waha):
    server, mock = fake_waha
    make_device(workspace, server, session="ws1-x", status=Device.Status.CONNECTED, waha_status="WORKING")
    rows = owner_client.get("/devices/rows").content.decode()
    assert 'href="/devices/ws1-x/disconnect"' in rows and 'action="/devices/ws1-x/disconnect"' not in rows
    confirm = owner_client.get("/devices/ws1-x/disconnect")
    assert confirm.status_code == 200 and b'data-testid="confirm-disconnect"' in confirm.content
    assert not mock.calls and Device.objects.get().is_connected  # looking at the question changes nothing
    mock.post(f"{FAKE_URL}/api/sessions/ws1-x/logout", json={}, status=201)
    owner_client.post("/devices/ws1-x/disconnect")
    assert Device.objects.get().status == Device.Status.DISCONNECTED
    assert mock.calls[0].request.url.endswith("/logout")


def test_an_expired_qr_stops_polling_and_offers_a_new_one(owner_client, workspace, fake_waha):
    server, mock = fake_waha
    make_device(workspace, server, session="ws1-exp", waha_status="FAILED", last_error="QR expired")
    body = owner_client.get("/devices/ws1-exp/qr").content.decode()
    assert "QR expired" in body and "hx-trigger" not in body and "/devices/ws1-exp/reconnect" in body
    assert not mock.calls  # no pointless WAHA call while FAILED
    mock.post(f"{FAKE_URL}/api/sessions/ws1-exp/logout", json={}, status=201)
    mock.post(f"{FAKE_URL}/api/sessions/ws1-exp/start", json={"name": "ws1-exp", "status": "STARTING"}, status=201)
    response = owner_client.post("/devices/ws1-exp/reconnect")
    assert response.status_code == 302 and response["Location"] == "/devices/ws1-exp/connect"
    mock.get(f"{FAKE_URL}/api/ws1-exp/auth/qr", body=b"\x89PNG\r\n\x1a\nnew", content_type="image/png")
    assert 'data-testid="qr-image"' in owner_client.get("/devices/ws1-exp/qr").content.decode()


def test_broadcast_switch_refused_by_billing_reloads_the_page_to_say_why(owner_client, workspace, fake_waha):
    from billing.models import BillingPause

    device = make_device(workspace, fake_waha[0], session="ws1-bp", is_active_for_broadcast=False)
    BillingPause.objects.create(workspace=workspace, kind=BillingPause.Kind.DEVICE, object_id=device.pk)
    response = owner_client.post("/devices/ws1-bp/broadcast", {"on": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["HX-Redirect"].endswith("/devices/")
    device.refresh_from_db()
    assert device.is_active_for_broadcast is False
    assert "billing paused this one" in owner_client.get("/devices/").content.decode()


def test_relinking_as_another_phone_is_told_until_dismissed(owner_client, workspace, fake_waha):
    from devices import services

    server, _ = fake_waha
    device = make_device(workspace, server, session="ws1-re", status=Device.Status.CONNECTED,
                         phone_number="6281100000001", waha_status="WORKING")
    services.device_status_apply(device=device, status="WORKING", me={"id": "6281100000001@c.us"})
    assert 'data-testid="device-number-changed"' not in owner_client.get("/devices/rows").content.decode()
    services.device_status_apply(device=device, status="SCAN_QR_CODE")
    services.device_status_apply(device=device, status="WORKING", me={"id": "6281100000002@c.us"})
    rows = owner_client.get("/devices/rows").content.decode()
    assert 'data-testid="device-number-changed"' in rows
    assert "+6281100000002" in rows and "+6281100000001" in rows
    owner_client.post("/devices/ws1-re/number-change-seen")
    assert 'data-testid="device-number-changed"' not in owner_client.get("/devices/rows").content.decode()
    assert Device.objects.get().phone_number == "6281100000002"


def test_agents_may_not_dismiss_a_devices_notice(agent_client, workspace, fake_waha):
    server, _ = fake_waha
    make_device(workspace, server, session="ws1-ag", previous_phone_number="62811")
    assert agent_client.post("/devices/ws1-ag/number-change-seen").status_code == 403
    assert Device.objects.get().previous_phone_number == "62811"


def test_sandbox_pairing_code_links_the_number_typed(owner_client, workspace, emulator):
    from devices.waha import WahaClient

    owner_client.post("/devices/add", {"label": "Sales"})
    device = Device.objects.get()
    assert emulator.wait_for_status(device.session_name, "SCAN_QR_CODE", timeout=10)
    body = owner_client.post(f"/devices/{device.session_name}/pairing-code", {"phone": "+62 812 3456 7890"},
                             HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="sandbox-pairing"' in body
    owner_client.post(f"/devices/{device.session_name}/sandbox-scan")
    assert emulator.status(device.session_name) == "WORKING"
    assert WahaClient(device.server.base_url, device.server.api_key).session_me(device.session_name)["id"] == (
        "6281234567890@c.us")


def test_a_sandbox_number_is_in_demo_groups_once_however_often_it_links(owner_client, workspace, emulator):
    from devices.waha import WahaClient

    owner_client.post("/devices/add", {"label": "Sales"})
    device = Device.objects.get()
    assert emulator.wait_for_status(device.session_name, "SCAN_QR_CODE", timeout=10)
    owner_client.post(f"/devices/{device.session_name}/sandbox-scan")
    client = WahaClient(device.server.base_url, device.server.api_key)
    groups = client.groups(device.session_name)
    assert sorted(g["name"] for g in groups) == ["Arisan RT 05", "Reseller Batik Solo"]
    assert client.contact_names(device.session_name)["6281277770001"] == "Bu Rina"
    client.session_logout(device.session_name)
    assert emulator.wait_for_status(device.session_name, "SCAN_QR_CODE", timeout=10)
    owner_client.post(f"/devices/{device.session_name}/sandbox-scan")
    assert len(client.groups(device.session_name)) == 2


def test_an_error_a_worker_stored_is_worded_in_the_readers_language(owner_client, owner_api, workspace, fake_waha):
    """The worker that saw the session stop has no reader: it stores a code, and each page or API answer words it
    in its own reader's language (issue 21: engine error texts stored in the worker's language)."""
    device = make_device(workspace, fake_waha[0], session="ws1-stop", waha_status="WORKING", status="connected")
    from django.utils import translation

    with translation.override("id"):  # the worker's language must not matter
        services.device_status_apply(device=device, status="STOPPED")
    device.refresh_from_db()
    assert device.last_error_code == "session_stopped" and device.last_error == ""
    english = owner_client.get("/devices/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The WhatsApp session stopped. Press Reconnect to start it again." in english
    answer = owner_api.get("/api/devices", HTTP_ACCEPT_LANGUAGE="id").json()
    row = next(d for d in answer["results"] if d["session"] == "ws1-stop")
    assert row["last_error_code"] == "session_stopped"
    assert row["last_error"] == "Sesi WhatsApp berhenti. Tekan Hubungkan ulang untuk memulainya lagi."
