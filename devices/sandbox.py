"""Sandbox mode: Sebar plays the phone through the bundled emulator's ``/_emulator/`` control API.

Only for devices on the sandbox server (SANDBOX_WAHA_URL) while WAHA_URL is unset; a real WAHA has no
such endpoints. These calls are not WAHA calls, so they use plain requests rather than WahaClient.
"""
import hashlib
from urllib.parse import quote

import requests
from django.conf import settings
from django.utils.translation import gettext as _

from accounts.language import workspace_language

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


# Groups an emulated number is in, so a new user can try group grab alone. Fixed ids per session: a
# second scan (after Disconnect) replaces them instead of adding copies.
DEMO_GROUPS = [
    ("Arisan RT 05", [("6281277770001", "Bu Rina"), ("6281277770002", "Pak Budi"), ("6281277770003", ""),
                      ("6281277770004", "Mbak Sari")]),
    ("Reseller Batik Solo", [("6281377770001", "Dewi Reseller"), ("6281377770002", "Agus Batik"),
                             ("6281377770003", "Toko Laras"), ("6281377770004", "")]),
]


def _demo_group_id(device, index):
    digest = hashlib.sha256(f"{device.session_name}/{index}".encode()).hexdigest()
    return f"1203630{int(digest, 16) % 10**11:011d}@g.us"


def sandbox_scan(*, device, phone=None) -> dict:
    """Pretend a phone scanned the QR (or typed the pairing code): the session goes WORKING and WAHA's
    webhook tells us. The emulated number joins a few demo groups."""
    info = _control(device, "scan", {"phone": phone} if phone else {})
    for index, (subject, members) in enumerate(DEMO_GROUPS):
        # One hidden member: WhatsApp hides some numbers, and the grab report should show that too.
        participants = [{"phone": p, "name": n} for p, n in members] + [
            {"phone": f"62819777700{index}9", "hidden": True}]
        _control(device, "groups", {"id": _demo_group_id(device, index), "subject": subject,
                                    "participants": participants})
    return info


def sandbox_inbound(*, device, text, phone=FAKE_CUSTOMER, push_name="") -> dict:
    """A fake customer writes to this number: the emulator posts ``message`` and ``message.any``. Their
    name becomes the chat's and the contact's, so it is in the workspace's language."""
    if not push_name:
        with workspace_language(device.workspace):
            push_name = _("Sandbox Customer")
    if not device.is_connected:
        raise SandboxOnly(_("Connect this number first: only a connected number receives messages."),
                          code="device_not_connected")
    return _control(device, "inbound", {"from": phone, "text": text, "push_name": push_name})


# What the sandbox's device page can make WhatsApp do to a number, and the control call that plays it
# (devices/emulator/limits.py): the health score and its history follow, as with a real number.
SIGNALS = {
    "capping_none": ("limits", {"capping": {"status": "NONE", "total": 250, "used": 0}}),
    "first_warning": ("limits", {"capping": {"status": "FIRST_WARNING", "total": 250, "used": 150}}),
    "second_warning": ("limits", {"capping": {"status": "SECOND_WARNING", "total": 250, "used": 220}}),
    "capped": ("limits", {"capping": {"status": "CAPPED", "total": 250, "used": 250}}),
    "timelock": ("limits", {"timelock": {"seconds": 3600}}),
    "timelock_off": ("limits", {"timelock": {"active": False}}),
    "rate_overlimit": ("limits", {"rate_overlimit": 3}),
    "flap": ("flap", {"times": 3, "gap": 1.0}),
    "unknown": ("limits", {"capping": None, "timelock": None}),
}


def sandbox_signal(*, device, signal) -> dict:
    """Play one of ``SIGNALS`` on the emulator for this number (sandbox only)."""
    if signal not in SIGNALS:
        raise SandboxOnly(_("Unknown sandbox signal."))
    if not device.is_connected:
        raise SandboxOnly(_("Connect this number first: only a connected number has WhatsApp limits."),
                          code="device_not_connected")
    action, body = SIGNALS[signal]
    return _control(device, action, body)
