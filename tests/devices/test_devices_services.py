"""Services: the default server, server choice, session names, reconcile, dispatch table, event upkeep."""
import importlib
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from devices import dispatch, errors, services, waha
from devices.models import Device, WahaServer, WebhookEvent
from devices.selectors import dashboard_card
from devices.webhook_events import webhook_event_process, webhook_events_maintain
from tests.devices.device_fixtures import FAKE_URL, deliver_fixture, fake_waha_fixture, make_device

__all__ = ["deliver_fixture", "fake_waha_fixture"]
pytestmark = pytest.mark.django_db


def test_default_server_comes_from_settings_once(settings):
    settings.WAHA_URL = ""
    settings.SANDBOX_WAHA_URL = "http://127.0.0.1:3999"
    settings.SANDBOX_WAHA_API_KEY = "sandbox-k"
    first = services.default_server()
    assert (first.base_url, first.api_key, first.name) == ("http://127.0.0.1:3999", "sandbox-k", "Sandbox emulator")
    settings.SANDBOX_WAHA_API_KEY = "rotated"
    again = services.default_server()
    assert again.pk == first.pk and again.api_key == "rotated"
    settings.WAHA_URL = "http://waha:3000"
    settings.WAHA_API_KEY = "prod"
    real = services.default_server()
    assert real.pk != first.pk and real.base_url == "http://waha:3000" and real.name == "Default WAHA"


def test_new_devices_go_to_the_server_with_most_room(workspace, other_workspace, settings):
    settings.WAHA_URL = "http://a.test"
    small = services.default_server()
    small.capacity = 2
    small.save()
    big = WahaServer.objects.create(name="big", base_url="http://b.test", capacity=3)
    make_device(other_workspace, big, session="x1")
    make_device(other_workspace, big, session="x2")
    assert services.server_for_new_device(workspace) == small  # 2 free vs 1 free
    WahaServer.objects.create(name="off", base_url="http://c.test", capacity=100, is_active=False)
    make_device(other_workspace, small, session="x3")
    make_device(other_workspace, small, session="x4")
    assert services.server_for_new_device(workspace) == big
    make_device(other_workspace, big, session="x5")
    with pytest.raises(errors.NoServerRoom, match="full"):
        services.server_for_new_device(workspace)


def test_core_only_servers_hold_one_session_named_default(workspace, other_workspace, settings):
    settings.WAHA_URL = "http://a.test"
    services.default_server().delete()
    settings.WAHA_URL = "http://core.test"
    core = services.default_server()
    core.core_only_default_session = True
    core.capacity = 50
    core.save()
    assert services.server_for_new_device(workspace) == core
    assert services.session_name_for(workspace, core) == "default"
    make_device(workspace, core, session="default")
    core2 = WahaServer.objects.create(name="core2", base_url="http://core2.test", core_only_default_session=True)
    # The first core server is full (one session); the second takes the next "default".
    assert services.server_for_new_device(other_workspace) == core2
    # A workspace that already has a "default" is not given a second one.
    with pytest.raises(errors.NoServerRoom):
        services.server_for_new_device(workspace)


def test_generated_session_names_are_valid_and_unique(workspace, settings):
    settings.WAHA_URL = "http://a.test"
    server = services.default_server()
    names = {services.session_name_for(workspace, server) for _ in range(50)}
    assert len(names) == 50
    assert all(services.SESSION_NAME_RE.match(n) for n in names)


def test_reconcile_marks_a_vanished_session_and_fixes_a_changed_status(workspace, fake_waha):
    server, mock = fake_waha
    gone = make_device(workspace, server, session="ws1-gone", status=Device.Status.CONNECTED,
                       waha_status="WORKING")
    changed = make_device(workspace, server, session="ws1-chg", waha_status="SCAN_QR_CODE")
    same = make_device(workspace, server, session="ws1-same", waha_status="SCAN_QR_CODE")
    mock.get(f"{FAKE_URL}/api/sessions", json=[
        {"name": "ws1-chg", "status": "WORKING", "me": {"id": "6285550001111@c.us", "pushName": "x"}},
        {"name": "ws1-same", "status": "SCAN_QR_CODE", "me": None},
        {"name": "someone-else", "status": "WORKING", "me": None},
    ])
    assert services.server_reconcile(server=server) == 2
    assert mock.calls[0].request.params == {"all": "true"}
    gone.refresh_from_db()
    assert gone.status == Device.Status.DISCONNECTED and gone.last_error_code == "session_gone"
    assert "Reconnect" in gone.error_text
    changed.refresh_from_db()
    assert changed.status == Device.Status.CONNECTED and changed.phone_number == "6285550001111"
    same.refresh_from_db()
    assert same.status_changed_at is None
    # Running it again changes nothing (idempotent).
    assert services.server_reconcile(server=server) == 0


def test_reconcile_leaves_devices_alone_when_waha_is_unreachable(workspace, fake_waha):
    server, mock = fake_waha
    device = make_device(workspace, server, status=Device.Status.CONNECTED, waha_status="WORKING")
    mock.get(f"{FAKE_URL}/api/sessions", json={"message": "down"}, status=503)
    assert services.server_reconcile(server=server) == 0
    device.refresh_from_db()
    assert device.is_connected


def test_every_dispatch_path_imports_and_every_subscribed_event_has_an_entry():
    for event, paths in dispatch.HANDLERS.items():
        for path in paths:
            module, _dot, name = path.rpartition(".")
            assert callable(getattr(importlib.import_module(module), name)), f"{event}: {path}"
        assert len(dispatch.handlers_for(event)) == len(paths)
    missing = set(waha.DEFAULT_EVENTS) - set(dispatch.HANDLERS)
    assert not missing, f"subscribed but not in devices/dispatch.py: {missing}"


def test_a_broken_handler_path_is_loud(monkeypatch):
    monkeypatch.setitem(dispatch.HANDLERS, "message", ["inbox.services.no_such_function"])
    with pytest.raises(ImportError):
        dispatch.handlers_for("message")


def _stored(device, event="message", **fields):
    return WebhookEvent.objects.create(workspace=device.workspace, device=device, event_id=fields.pop("event_id"),
                                       event=event, envelope={"event": event, "session": device.session_name},
                                       **fields)


def test_processing_marks_ignored_failed_and_runs_once(workspace, fake_waha, monkeypatch, caplog):
    device = make_device(workspace, fake_waha[0])
    ignored = _stored(device, event="presence.update", event_id="evt_1")
    assert webhook_event_process(event_pk=ignored.pk) == WebhookEvent.Status.IGNORED
    assert webhook_event_process(event_pk=ignored.pk) is None  # already done: no second run
    monkeypatch.setitem(dispatch.HANDLERS, "message", ["tests.devices.test_devices_services.explode"])
    failing = _stored(device, event_id="evt_2")
    assert webhook_event_process(event_pk=failing.pk) == WebhookEvent.Status.FAILED
    failing.refresh_from_db()
    assert "boom" in failing.error and "boom" in caplog.text


def explode(*, device, event):
    raise RuntimeError("boom")


def test_maintain_prunes_old_done_events_and_requeues_lost_pending(workspace, fake_waha):
    device = make_device(workspace, fake_waha[0])
    old = timezone.now() - timedelta(days=8)
    done = _stored(device, event_id="evt_old", status=WebhookEvent.Status.PROCESSED)
    recent = _stored(device, event_id="evt_new", status=WebhookEvent.Status.PROCESSED)
    lost = _stored(device, event="presence.update", event_id="evt_lost")
    # A worker died while processing this one; another is being processed right now.
    dead = _stored(device, event="presence.update", event_id="evt_dead", status=WebhookEvent.Status.PROCESSING)
    busy = _stored(device, event="presence.update", event_id="evt_busy", status=WebhookEvent.Status.PROCESSING)
    WebhookEvent.objects.filter(pk__in=[done.pk, lost.pk, dead.pk]).update(received_at=old)
    WebhookEvent.objects.filter(pk=dead.pk).update(processed_at=timezone.now() - timedelta(minutes=6))
    WebhookEvent.objects.filter(pk=busy.pk).update(processed_at=timezone.now())
    deleted, requeued = webhook_events_maintain()
    assert (deleted, requeued) == (1, 2)
    assert set(WebhookEvent.objects.values_list("event_id", "status")) == {
        ("evt_new", "PROCESSED"), ("evt_lost", "IGNORED"), ("evt_dead", "IGNORED"), ("evt_busy", "PROCESSING")}
    assert recent.pk


def test_dashboard_card_counts_connected_of_total(workspace, fake_waha):
    assert dashboard_card(workspace)["value"] == "0 / 0"
    make_device(workspace, fake_waha[0], session="a", status=Device.Status.CONNECTED)
    make_device(workspace, fake_waha[0], session="b")
    card = dashboard_card(workspace)
    assert card["value"] == "1 / 2" and card["url"] == "/devices/"


def test_reconnect_a_failed_session_logs_out_then_starts(workspace, fake_waha):
    server, mock = fake_waha
    device = make_device(workspace, server, session="ws1-f", waha_status="FAILED", last_error="lost")
    mock.post(f"{FAKE_URL}/api/sessions/ws1-f/logout", json={}, status=201)
    mock.post(f"{FAKE_URL}/api/sessions/ws1-f/start", json={"name": "ws1-f", "status": "STARTING"}, status=201)
    services.device_reconnect(device=device)
    assert [c.request.url.rsplit("/", 1)[-1] for c in mock.calls] == ["logout", "start"]


def test_reconnect_recreates_a_session_waha_forgot(workspace, fake_waha, settings):
    server, mock = fake_waha
    device = make_device(workspace, server, session="ws1-r", waha_status="STOPPED")
    mock.post(f"{FAKE_URL}/api/sessions/ws1-r/start", json={"message": "Session not found"}, status=404)
    mock.post(f"{FAKE_URL}/api/sessions", json={"name": "ws1-r", "status": "STARTING"}, status=201)
    services.device_reconnect(device=device)
    created = mock.calls[-1].request
    body = json.loads(created.body)
    assert body["name"] == "ws1-r" and body["start"] is True
    assert body["config"]["webhooks"][0]["hmac"]["key"] == device.webhook_secret
    assert body["config"]["webhooks"][0]["url"] == settings.WAHA_WEBHOOK_URL


def test_two_core_servers_both_named_default_are_told_apart_by_the_signature(deliver, workspace, other_workspace):
    core1 = WahaServer.objects.create(name="c1", base_url="http://c1.test", core_only_default_session=True)
    core2 = WahaServer.objects.create(name="c2", base_url="http://c2.test", core_only_default_session=True)
    first = make_device(workspace, core1, session="default")
    second = make_device(other_workspace, core2, session="default")
    envelope = {"id": "evt_c2", "timestamp": 1_700_000_000_000, "event": "session.status", "session": "default",
                "me": {"id": "6289900001111@c.us", "pushName": "x"},
                "payload": {"name": "default", "status": "WORKING", "statuses": []}}
    assert deliver(envelope, second.webhook_secret).status_code == 200
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.is_connected and second.phone_number == "6289900001111"
    assert not first.is_connected
