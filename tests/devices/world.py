"""Workspace A's devices objects for the tenant walk (tests/test_tenant_isolation.py).

The walk also POSTs /api/devices/scan as workspace B, which really creates a session: a WAHA emulator
stands behind a roomy server, so that call succeeds instead of 502. It runs as a subprocess (once per
test process, killed at exit) because build() has no teardown, and emulator threads left in this
process would trip the emulator tests' leak check.
"""
import atexit
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from devices.models import Device, WahaServer, WebhookEvent
from tests.url_walk import MARKER

PUBLIC = {"waha-webhook": "WAHA posts here; it answers 401 unless the body is signed with a device's key"}
_EMULATOR = {}
_CHILD = """
import sys
from devices.emulator import EmulatorServer
server = EmulatorServer(int(sys.argv[1]), "GOWS", "walk-key", status_delay=0.02, qr_wait=5.0).start()
sys.stdin.read()
server.stop()
"""


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _walk_emulator_url():
    if "url" not in _EMULATOR:
        port = _free_port()
        # The child serves until its stdin closes, which also happens when this process dies without
        # running atexit (an xdist worker's os._exit, a kill): no orphaned emulators.
        proc = subprocess.Popen([sys.executable, "-c", _CHILD, str(port)], stdin=subprocess.PIPE,
                                cwd=Path(__file__).resolve().parents[2])
        atexit.register(proc.kill)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 15
        while True:
            try:
                requests.get(f"{url}/ping", timeout=0.5)
                break
            except requests.RequestException:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("the tenant walk's WAHA emulator did not start") from None
                time.sleep(0.05)
        _EMULATOR["url"] = url
    return _EMULATOR["url"]


def build(workspace, owner):
    server = WahaServer.objects.create(name="walk emulator", base_url=_walk_emulator_url(), api_key="walk-key",
                                       capacity=10_000)
    device = Device.objects.create(workspace=workspace, server=server, session_name="wsA-walk",
                                   label=f"{MARKER} phone", phone_number="6281100000001",
                                   status=Device.Status.CONNECTED, waha_status="WORKING")
    WebhookEvent.objects.create(workspace=workspace, device=device, event_id="evt_walk", event="message",
                                envelope={"payload": {"body": MARKER}})
    return {"session": device.session_name}
