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

import requests

from devices.models import Device, WahaServer, WebhookEvent
from tests.url_walk import MARKER

PUBLIC = {"waha-webhook": "WAHA posts here; it answers 401 unless the body is signed with a device's key"}
_EMULATOR = {}


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _walk_emulator_url():
    if "url" not in _EMULATOR:
        port = _free_port()
        proc = subprocess.Popen([sys.executable, "-m", "devices.emulator", "--port", str(port), "--api-key",
                                 "walk-key", "--status-delay", "0.02", "--log-level", "WARNING"])
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
