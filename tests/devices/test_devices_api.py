"""The devices API: scan (QR data URL / pairing code), limits, QR, PATCH, DELETE, and WAHA errors."""
import base64
import re

import pytest
import responses

from devices.models import Device, WahaServer
from tests.devices.device_fixtures import API_KEY, FAKE_URL, emulator_fixture, fake_waha_fixture, make_device

__all__ = ["emulator_fixture", "fake_waha_fixture"]
pytestmark = pytest.mark.django_db

SESSION_RE = re.compile(r"^[a-zA-Z0-9_-]{1,54}$")


def test_scan_creates_a_started_session_and_returns_a_png_data_url(owner_api, workspace, emulator, settings):
    response = owner_api.post("/api/devices/scan", {"label": "Sales"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["qr"].startswith("data:image/png;base64,")
    assert base64.b64decode(body["qr"].split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    session = body["device"]["session"]
    assert SESSION_RE.match(session) and session.startswith(f"ws{workspace.pk}-")
    device = Device.objects.get(session_name=session, workspace=workspace)
    assert device.label == "Sales" and body["device"]["status"] == "DISCONNECTED"
    # WAHA got our per-device webhook, signed with the device's own key, and started the session.
    hook = emulator.emulator.state.sessions[session].config["webhooks"][0]
    assert hook["url"] == settings.WAHA_WEBHOOK_URL
    assert hook["hmac"]["key"] == device.webhook_secret
    assert "session.status" in hook["events"]
    assert emulator.status(session) == "SCAN_QR_CODE"
    assert "webhook_secret" not in body["device"]


def test_scan_with_a_phone_returns_a_pairing_code(owner_api, emulator):
    response = owner_api.post("/api/devices/scan", {"phone": "+62 812-3456-7890"}, format="json")
    assert response.status_code == 201, response.content
    assert re.match(r"^[A-Z0-9]{4}-[A-Z0-9]{4}$", response.json()["pairing_code"])


def test_scan_with_a_bad_phone_says_what_to_fix_and_creates_nothing(owner_api, emulator):
    response = owner_api.post("/api/devices/scan", {"phone": "12"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_phone" and "country code" in response.json()["message"]
    assert not Device.objects.exists()


def test_second_device_on_free_is_refused_with_the_limit(owner_api, workspace, emulator):
    assert owner_api.post("/api/devices/scan", {}, format="json").status_code == 201
    response = owner_api.post("/api/devices/scan", {}, format="json")
    assert response.status_code == 403
    body = response.json()
    assert body["error"] == "plan_limit_reached"
    assert "1 device" in body["message"] and body["fields"]["limit"] == 1
    assert Device.objects.filter(workspace=workspace).count() == 1


def test_list_patch_and_qr(owner_api, workspace, fake_waha):
    server, mock = fake_waha
    device = make_device(workspace, server, session="ws1-abc")
    listed = owner_api.get("/api/devices").json()["results"]
    assert [d["session"] for d in listed] == ["ws1-abc"]
    response = owner_api.patch("/api/devices/ws1-abc", {"label": "CS", "is_active_for_broadcast": False},
                               format="json")
    assert response.status_code == 200 and response.json()["label"] == "CS"
    device.refresh_from_db()
    assert device.label == "CS" and device.is_active_for_broadcast is False
    mock.get(f"{FAKE_URL}/api/ws1-abc/auth/qr", body=b"\x89PNG\r\n\x1a\nfake", content_type="image/png")
    qr = owner_api.get("/api/devices/ws1-abc/qr")
    assert qr.status_code == 200 and qr.json()["qr"] == "data:image/png;base64," + base64.b64encode(
        b"\x89PNG\r\n\x1a\nfake").decode()
    assert mock.calls[-1].request.headers["X-Api-Key"] == API_KEY


def test_qr_of_a_connected_device_is_a_clear_409(owner_api, workspace, fake_waha):
    make_device(workspace, fake_waha[0], session="ws1-on", status=Device.Status.CONNECTED, waha_status="WORKING")
    response = owner_api.get("/api/devices/ws1-on/qr")
    assert response.status_code == 409 and response.json()["error"] == "device_connected"


def test_another_workspaces_session_is_404_and_agents_are_403(owner_api, outsider_api, agent_api, workspace,
                                                               fake_waha):
    make_device(workspace, fake_waha[0], session="ws1-mine")
    assert outsider_api.get("/api/devices/ws1-mine/qr").status_code == 404
    assert outsider_api.patch("/api/devices/ws1-mine", {"label": "x"}, format="json").status_code == 404
    assert outsider_api.delete("/api/devices/ws1-mine").status_code == 404
    assert outsider_api.get("/api/devices").json()["results"] == []
    assert agent_api.get("/api/devices").status_code == 403
    assert agent_api.post("/api/devices/scan", {}, format="json").status_code == 403
    assert owner_api.post("/api/devices", {}, format="json").status_code == 405
    assert owner_api.put("/api/devices/ws1-mine", {}, format="json").status_code == 405


def test_delete_logs_out_and_deletes_in_waha_then_removes(owner_api, workspace, fake_waha):
    server, mock = fake_waha
    make_device(workspace, server, session="ws1-del")
    mock.post(f"{FAKE_URL}/api/sessions/ws1-del/logout", json={"name": "ws1-del"}, status=201)
    mock.delete(f"{FAKE_URL}/api/sessions/ws1-del", body=b"", status=200)
    assert owner_api.delete("/api/devices/ws1-del").status_code == 204
    assert [(c.request.method, c.request.url) for c in mock.calls] == [
        ("POST", f"{FAKE_URL}/api/sessions/ws1-del/logout"), ("DELETE", f"{FAKE_URL}/api/sessions/ws1-del")]
    assert not Device.objects.filter(session_name="ws1-del").exists()


def test_delete_tolerates_a_session_already_gone(owner_api, workspace, fake_waha):
    server, mock = fake_waha
    make_device(workspace, server, session="ws1-gone")
    gone = {"statusCode": 404, "message": "Session not found", "error": "Not Found"}
    mock.post(f"{FAKE_URL}/api/sessions/ws1-gone/logout", json=gone, status=404)
    mock.delete(f"{FAKE_URL}/api/sessions/ws1-gone", json=gone, status=404)
    assert owner_api.delete("/api/devices/ws1-gone").status_code == 204
    assert not Device.objects.exists()


def test_delete_keeps_the_device_when_waha_is_down(owner_api, workspace, fake_waha):
    server, mock = fake_waha
    make_device(workspace, server, session="ws1-keep")
    mock.post(f"{FAKE_URL}/api/sessions/ws1-keep/logout", json={"message": "engine crashed"}, status=500)
    response = owner_api.delete("/api/devices/ws1-keep")
    assert response.status_code == 502
    assert response.json()["error"] == "waha_unavailable" and "engine crashed" in response.json()["message"]
    assert Device.objects.filter(session_name="ws1-keep").exists()


@pytest.mark.parametrize("status,body,error,words", [
    (500, {"statusCode": 500, "message": "Chrome crashed", "error": "Internal Server Error"}, "waha_unavailable",
     "Chrome crashed"),
    (401, {"message": "Unauthorized", "statusCode": 401}, "waha_auth_failed", "API key"),
    (422, {"statusCode": 422, "message": "WAHA Core support only 'default' session", "error": "Unprocessable"},
     "waha_error", "only 'default' session"),
])
def test_waha_errors_on_scan_become_clear_api_errors(owner_api, workspace, fake_waha, status, body, error, words):
    _server, mock = fake_waha
    mock.post(f"{FAKE_URL}/api/sessions", json=body, status=status)
    response = owner_api.post("/api/devices/scan", {}, format="json")
    assert response.status_code in (409, 502)
    assert response.json()["error"] == error
    assert words in response.json()["message"]
    assert not Device.objects.exists(), "a device WAHA refused must not be kept"


def test_unreachable_waha_is_a_502_that_does_not_name_the_server(owner_api, fake_waha):
    _server, mock = fake_waha
    mock.post(f"{FAKE_URL}/api/sessions", body=responses.ConnectionError("connection refused"))
    response = owner_api.post("/api/devices/scan", {}, format="json")
    assert response.status_code == 502
    # The address is the operator's business (the log has it); tenants learn WAHA did not answer.
    assert "waha.test" not in response.json()["message"] and "did not answer" in response.json()["message"]


def test_an_unreachable_waha_is_reported_without_its_address(owner_api, workspace, fake_waha, caplog):
    import requests

    server, mock = fake_waha
    WahaServer.objects.filter(pk=server.pk).update(base_url="http://10.20.30.40:3000")
    make_device(workspace, WahaServer.objects.get(pk=server.pk), session="ws1-gone")
    mock.get("http://10.20.30.40:3000/api/ws1-gone/auth/qr", body=requests.ConnectionError(
        "HTTPConnectionPool(host='10.20.30.40', port=3000): Max retries exceeded with url: /api/ws1-gone/auth/qr"))
    response = owner_api.get("/api/devices/ws1-gone/qr")
    assert response.status_code == 502 and response.json()["error"] == "waha_unavailable"
    assert "10.20.30.40" not in response.content.decode() and "3000" not in response.content.decode()
    assert "10.20.30.40" in caplog.text  # operators still see where it failed
