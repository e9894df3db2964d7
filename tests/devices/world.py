"""Workspace A's devices objects for the tenant walk (tests/test_tenant_isolation.py).

The walk also POSTs /api/devices/scan as workspace B, which really creates a session: a WAHA emulator
(started once per test process) stands behind a roomy server, so that call succeeds instead of 502.
"""
import atexit

from devices.emulator import EmulatorServer
from devices.models import Device, WahaServer, WebhookEvent
from tests.url_walk import MARKER

PUBLIC = {"waha-webhook": "WAHA posts here; it answers 401 unless the body is signed with a device's key"}
_EMULATOR = {}


def _walk_emulator():
    if "server" not in _EMULATOR:
        server = EmulatorServer(port=0, engine="GOWS", api_key="walk-key", status_delay=0.02, qr_wait=1.0).start()
        atexit.register(server.stop)
        _EMULATOR["server"] = server
    return _EMULATOR["server"]


def build(workspace, owner):
    emulator = _walk_emulator()
    server = WahaServer.objects.create(name="walk emulator", base_url=emulator.url, api_key="walk-key",
                                       capacity=10_000)
    device = Device.objects.create(workspace=workspace, server=server, session_name="wsA-walk",
                                   label=f"{MARKER} phone", phone_number="6281100000001",
                                   status=Device.Status.CONNECTED, waha_status="WORKING")
    WebhookEvent.objects.create(workspace=workspace, device=device, event_id="evt_walk", event="message",
                                envelope={"payload": {"body": MARKER}})
    return {"session": device.session_name}
