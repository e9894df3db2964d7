"""Sandbox mode: Sebar plays the phone through the bundled emulator's ``/_emulator/`` control API.

Only for devices on the sandbox server (SANDBOX_WAHA_URL) while WAHA_URL is unset; a real WAHA has no
such endpoints. These calls are not WAHA calls, so they use plain requests rather than WahaClient.
"""
from urllib.parse import quote

import requests
from django.conf import settings
from django.utils.translation import gettext as _

from .errors import SandboxOnly, WahaFailed

TIMEOUT = (3.05, 10)
FAKE_CUSTOMER = "6281299990001"


def is_sandbox_active() -> bool:
    return bool(settings.SANDBOX_MODE)


def is_sandbox_device(device) -> bool:
    return is_sandbox_active() and device.server.base_url.rstrip("/") == settings.SANDBOX_WAHA_URL.rstrip("/")


def _control(device, action, body):
    if not is_sandbox_device(device):
        raise SandboxOnly(_("This only works in sandbox mode, on the built-in WhatsApp emulator."))
    url = f"{device.server.base_url.rstrip('/')}/_emulator/sessions/{quote(device.session_name, safe='')}/{action}"
    try:
        response = requests.post(url, json=body, timeout=TIMEOUT)
    except requests.RequestException as exc:
        raise WahaFailed(_("The WhatsApp emulator did not answer (%(error)s). Is `make run` still running?")
                         % {"error": exc}, code="emulator_unavailable") from exc
    if response.status_code >= 400:
        try:
            said = response.json().get("message") or response.text
        except ValueError:
            said = response.text
        raise WahaFailed(_("The WhatsApp emulator refused: %(said)s") % {"said": said}, code="emulator_error",
                         status_code=409 if response.status_code == 409 else 502)
    return response.json()


def sandbox_scan(*, device, phone=None) -> dict:
    """Pretend a phone scanned the QR: the session goes WORKING and WAHA's webhook tells us."""
    return _control(device, "scan", {"phone": phone} if phone else {})


def sandbox_inbound(*, device, text, phone=FAKE_CUSTOMER, push_name="Sandbox Customer") -> dict:
    """A fake customer writes to this number: the emulator posts ``message`` and ``message.any``."""
    if not device.is_connected:
        raise SandboxOnly(_("Connect this number first: only a connected number receives messages."),
                          code="device_not_connected")
    return _control(device, "inbound", {"from": phone, "text": text, "push_name": push_name})
