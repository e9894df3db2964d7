"""Every write about devices: choosing a WAHA server, creating, pairing, updating, disconnecting, deleting,
applying WAHA session statuses and reconciling with what WAHA really has.

WAHA calls go through ``selectors.client_for(device)``; a WAHA failure becomes a ``UserError`` from
``devices.errors.from_waha`` so pages and the API show what WAHA said instead of a 500.
"""
import base64
import logging
import re
import secrets
from datetime import UTC, datetime

import phonenumbers
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.services import audit_record
from billing import limits
from billing.errors import LimitReached
from billing.selectors import device_paused_by_billing
from common.events import emit
from config.errors import UserError

from . import errors, health, ramp, waha
from .message_ids import engine_learn, engine_of
from .models import Device, WahaServer
from .selectors import client_for, server_client, servers_with_room

log = logging.getLogger(__name__)

CORE_SESSION = "default"
SESSION_NAME_RE = re.compile(r"^[a-zA-Z0-9_-]{1,54}$")  # WAHA's rule for session names
SESSION_GONE = "session_gone"  # devices/error_texts.py
CONNECTED_STATUSES = {"WORKING"}
STOPPED_STATUSES = {"FAILED", "STOPPED"}


# ---------------------------------------------------------------- servers


def default_server() -> WahaServer:
    """The server from WAHA_URL/WAHA_API_KEY, or the sandbox emulator when WAHA_URL is empty.

    Created on first use; settings stay the source of truth for its API key.
    """
    if settings.WAHA_URL:
        url, key, name = settings.WAHA_URL, settings.WAHA_API_KEY, "Default WAHA"
    else:
        url, key, name = settings.SANDBOX_WAHA_URL, settings.SANDBOX_WAHA_API_KEY, "Sandbox emulator"
    server = WahaServer.objects.filter(base_url=url).order_by("pk").first()
    if server is None:
        if WahaServer.objects.filter(name=name).exists():
            name = f"{name} ({url})"[:80]
        try:
            # No full_clean(): URLField rejects hosts without a dot ("http://waha:3000"), which is the
            # normal Docker address; the value comes from the operator's settings, not from a user.
            with transaction.atomic():
                server = WahaServer.objects.create(name=name, base_url=url, api_key=key)
        except IntegrityError:  # another request created it first
            server = WahaServer.objects.filter(base_url=url).order_by("pk").first()
            if server is None:
                raise
    elif server.api_key != key:
        server.api_key = key
        server.save(update_fields=["api_key"])
    return server


def server_for_new_device(workspace) -> WahaServer:
    """The active server with the most free room. Core-only servers are skipped for a workspace that
    already has a "default" session, so its session names stay unique in its URLs."""
    default_server()
    has_default = Device.objects.for_workspace(workspace).filter(session_name=CORE_SESSION).exists()
    for _room, server in servers_with_room():
        if server.core_only_default_session and has_default:
            continue
        return server
    raise errors.NoServerRoom(
        _("Every WhatsApp gateway (WAHA server) is full, so no new number can be connected right now. "
          "Ask the operator to add a WAHA server or raise a server's capacity."))


def session_name_for(workspace, server) -> str:
    """A WAHA-valid name (^[a-zA-Z0-9_-]{1,54}$), unique across tenants; "default" on old Core servers."""
    if server.core_only_default_session:
        return CORE_SESSION
    for _attempt in range(5):
        name = f"ws{workspace.pk}-{secrets.token_hex(4)}"
        if not Device.objects.filter(session_name=name).exists():
            return name
    return f"ws{workspace.pk}-{secrets.token_hex(12)}"  # 96 random bits: a clash is not a real risk


# ---------------------------------------------------------------- device lifecycle


def device_create(*, workspace, label="", pairing_phone=None) -> Device:
    """Check the plan limit, pick a server, store the device, then create and start its WAHA session.

    The row is committed before WAHA is called: WAHA posts ``session.status`` at once and the
    receiver needs the device's HMAC key to accept it.
    """
    if pairing_phone:
        pairing_phone_digits(pairing_phone)  # refuse a bad number before a session exists
    with transaction.atomic():
        limits.reserve(workspace, "devices")
        server = server_for_new_device(workspace)
        device = Device(workspace=workspace, server=server, session_name=session_name_for(workspace, server),
                        label=(label or "").strip(), waha_status="STARTING")
        device.full_clean()
        device.save()
    try:
        info = client_for(device).session_create(
            device.session_name, webhook_url=settings.WAHA_WEBHOOK_URL, hmac_key=device.webhook_secret,
            metadata={"sebar.workspace": workspace.pk, "sebar.device": device.pk})
    except waha.WahaError as exc:
        device.delete()
        raise errors.from_waha(exc, _("creating the WhatsApp session")) from exc
    engine_learn(server_id=device.server_id, engine=engine_of(info))
    audit_record(action="device.added", workspace=workspace, target=str(device), device_id=device.pk)
    return device


def device_qr(*, device) -> str:
    """The current QR as a ``data:image/png;base64,...`` URL (WAHA waits for SCAN_QR_CODE itself)."""
    if device.is_connected:
        raise errors.DeviceNotReady(_("This number is already connected; there is no QR to scan."),
                                    code="device_connected")
    try:
        png = client_for(device).qr_image(device.session_name)
    except waha.WahaError as exc:
        raise errors.from_waha(exc, _("showing the QR code")) from exc
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def device_pairing_code(*, device, phone) -> str:
    """A pairing code to type on the phone instead of scanning the QR."""
    digits = pairing_phone_digits(phone)
    if device.is_connected:
        raise errors.DeviceNotReady(_("This number is already connected."), code="device_connected")
    client = client_for(device)
    try:
        # GET auth/qr blocks in WAHA until the session shows a QR, which is also when a code can be asked.
        client.qr_raw(device.session_name)
        return client.request_pairing_code(device.session_name, digits)
    except waha.WahaError as exc:
        raise errors.from_waha(exc, _("asking for a pairing code")) from exc


def pairing_phone_digits(raw, region="ID") -> str:
    """The phone to pair as international digits; contacts owns general phone handling, but devices
    may not import it (STYLE §1), and pairing needs only this one check."""
    try:
        number = phonenumbers.parse(str(raw or "").strip(), region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise UserError(_("“%(phone)s” is not a valid phone number. Enter the number of the phone you are "
                          "linking, with its country code, e.g. +62 812 3456 7890.") % {"phone": raw or ""},
                        code="invalid_phone", fields={"phone": _("Enter a valid phone number.")})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164).lstrip("+")


def device_update(*, device, label=None, is_active_for_broadcast=None) -> Device:
    fields = []
    if label is not None:
        device.label = label.strip()
        fields.append("label")
    if is_active_for_broadcast is not None:
        turning_on = bool(is_active_for_broadcast) and not device.is_active_for_broadcast
        if turning_on and device_paused_by_billing(device.workspace, device.pk):
            # Billing switched it off because the plan shrank; it comes back by itself after payment.
            limit = limits.limit_for(device.workspace, "devices")
            raise LimitReached(
                ngettext("Your plan allows %(limit)s broadcasting device, so billing paused this one. Renew or "
                         "upgrade under Billing and it comes back by itself.",
                         "Your plan allows %(limit)s broadcasting devices, so billing paused this one. Renew or "
                         "upgrade under Billing and it comes back by itself.", limit or 0) % {"limit": limit},
                resource="devices", limit=limit, used=limits.usage(device.workspace, "devices"))
        device.is_active_for_broadcast = bool(is_active_for_broadcast)
        fields.append("is_active_for_broadcast")
    if fields:
        device.full_clean()
        device.save(update_fields=fields)
    return device


def devices_broadcast_set(*, devices, on) -> int:
    """Switch broadcasting for several devices without plan checks (billing's pause and resume).

    Saved one by one rather than with a queryset update: listeners of Device saves (the rotator's link
    cache) must hear of it. A workspace has a handful of numbers, so this stays cheap."""
    changed = 0
    for device in devices:
        if device.is_active_for_broadcast != bool(on):
            device.is_active_for_broadcast = bool(on)
            device.save(update_fields=["is_active_for_broadcast"])
            changed += 1
    return changed


def device_disconnect(*, device) -> Device:
    """Log the number out of WhatsApp; WAHA restarts the session with a fresh QR to link again."""
    try:
        client_for(device).session_logout(device.session_name)
    except waha.WahaError as exc:
        raise errors.from_waha(exc, _("disconnecting the number")) from exc
    Device.objects.filter(pk=device.pk).update(status=Device.Status.DISCONNECTED, last_error="", last_error_code="")
    device.refresh_from_db()
    return device


def device_number_change_seen(*, device) -> Device:
    """The owner read the "linked as another number" notice."""
    Device.objects.filter(pk=device.pk).update(previous_phone_number="")
    device.refresh_from_db()
    return device


def device_reconnect(*, device) -> Device:
    """Start a stopped or failed session again so it shows a QR."""
    client = client_for(device)
    try:
        if device.waha_status == "FAILED":
            client.session_logout(device.session_name)  # WAHA: FAILED needs logout + start
        client.session_start(device.session_name)
    except waha.WahaNotFound:
        # The session vanished (WAHA reset): create it again under the same name and key.
        try:
            client.session_create(device.session_name, webhook_url=settings.WAHA_WEBHOOK_URL,
                                  hmac_key=device.webhook_secret)
        except waha.WahaError as exc:
            raise errors.from_waha(exc, _("starting the WhatsApp session")) from exc
    except waha.WahaError as exc:
        raise errors.from_waha(exc, _("starting the WhatsApp session")) from exc
    # WAHA's STARTING webhook follows; until then the page must not keep showing the old FAILED.
    Device.objects.filter(pk=device.pk).update(waha_status="STARTING", last_error="", last_error_code="")
    device.refresh_from_db()
    return device


def device_delete(*, device) -> None:
    """Log out and delete the WAHA session, then remove the device. A session already gone is fine."""
    client = client_for(device)
    try:
        client.session_logout(device.session_name)
    except (waha.WahaNotFound, waha.WahaBadRequest, waha.WahaSessionNotReady):
        pass  # gone already, or never linked: nothing to log out
    except waha.WahaError as exc:
        raise errors.from_waha(exc, _("logging the number out")) from exc
    try:
        client.session_delete(device.session_name)
    except waha.WahaNotFound:
        pass
    except waha.WahaError as exc:
        raise errors.from_waha(exc, _("deleting the WhatsApp session")) from exc
    with transaction.atomic():
        audit_record(action="device.removed", workspace=device.workspace, target=str(device), device_id=device.pk)
        device.delete()


# ---------------------------------------------------------------- statuses


def _ms_to_datetime(value):
    if value in (None, ""):
        return None
    try:
        return datetime.fromtimestamp(int(value) / 1000, tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _phone_of(me) -> str:
    ident = (me or {}).get("id") or ""
    return "".join(ch for ch in ident.split("@", 1)[0].split(":", 1)[0] if ch.isdigit())[:20]


def _is_stale(current, status, at, history) -> bool:
    """True when the incoming status is older than the one applied (webhooks arrive out of order).

    Timestamps are milliseconds, so two statuses can share one (a QR scanned the instant it showed).
    Then the incoming event's own history decides: it is newer only if it lists the current status
    before its own, i.e. WAHA had already passed through what we hold.
    """
    if not at or not current.status_changed_at:
        return False
    if at != current.status_changed_at:
        return at < current.status_changed_at
    return status != current.waha_status and current.waha_status not in (history or [])[:-1]


def device_status_apply(*, device, status, at=None, me=None, error="", error_code="", history=None) -> bool:
    """Apply a WAHA session status. ``at`` is when WAHA says it began and ``history`` the event's
    recent statuses (oldest first); an older status than the one applied is ignored. Returns True
    when applied."""
    status = (status or "").upper()[:40]
    phone = ""
    if status in CONNECTED_STATUSES:
        phone = _phone_of(me)
        if not phone:
            try:
                phone = _phone_of(client_for(device).session_me(device.session_name))
            except waha.WahaError as exc:
                log.warning("device %s WORKING but WAHA's me failed: %s", device.session_name, exc)
    with transaction.atomic():
        current = Device.objects.select_for_update().filter(pk=device.pk).first()
        if current is None:
            return False
        previous, old_phone = current.waha_status, current.phone_number
        if _is_stale(current, status, at, history):
            log.info("device %s: ignored %s from %s, older than the status applied at %s",
                     current.session_name, status, at.isoformat(), current.status_changed_at.isoformat())
            return False
        current.waha_status = status
        current.status_changed_at = at or timezone.now()
        if status in CONNECTED_STATUSES:
            current.status = Device.Status.CONNECTED
            current.last_error, current.last_error_code = "", ""
            if phone:
                if current.phone_number and phone != current.phone_number:
                    # Re-linked with another phone: campaigns and links now send from a new number, and the
                    # owner must hear of it (the QR does not say which phone scanned it).
                    current.previous_phone_number = current.phone_number
                current.phone_number = phone
        else:
            current.status = Device.Status.DISCONNECTED
            # WAHA's own words when it gave some; otherwise (or for a cause of ours) a code, worded on reading.
            if status in ("FAILED", "STOPPED"):
                current.last_error = error
                current.last_error_code = error_code or ("" if error else f"session_{status.lower()}")
            elif status == "STARTING":
                current.last_error, current.last_error_code = "", ""
        current.save(update_fields=["waha_status", "status_changed_at", "status", "last_error", "last_error_code",
                                    "phone_number", "previous_phone_number"])
    device.refresh_from_db()
    health.status_change_record(device=device, status=status, previous=previous)
    if status in CONNECTED_STATUSES and phone and phone != old_phone:
        # A number linked for the first time, or re-linked with another phone, starts on the warm-up ramp.
        ramp.ramp_start(device=device, auto=True)
    if status != previous:
        emit("device.status", workspace_id=device.workspace_id, data={"device": {
            "session": device.session_name, "label": device.label, "phone_number": device.phone_number,
            "status": device.status, "waha_status": status, "previous_waha_status": previous}})
    return True


def session_status_event_apply(*, device, event):
    """Dispatch handler for ``session.status``: the statuses' own timestamp orders the events."""
    payload = event.get("payload") or {}
    status = payload.get("status")
    at = None
    statuses = payload.get("statuses") or []
    if statuses and isinstance(statuses[-1], dict) and statuses[-1].get("status") == status:
        at = _ms_to_datetime(statuses[-1].get("timestamp"))
    at = at or _ms_to_datetime(event.get("timestamp"))
    history = [str(s.get("status")) for s in statuses if isinstance(s, dict)]
    engine_learn(server_id=device.server_id, engine=engine_of(event))
    if status:
        device_status_apply(device=device, status=status, at=at, me=event.get("me"), history=history)


def server_reconcile(*, server) -> int:
    """Compare the server's sessions with our devices; mark vanished ones. Returns devices changed.

    An unreachable server changes nothing: "WAHA is down" must not look like "every session is gone".
    """
    devices = list(Device.objects.filter(server=server))
    if not devices:
        return 0
    try:
        sessions = {s.get("name"): s for s in server_client(server).session_list(all=True) if isinstance(s, dict)}
    except waha.WahaError as exc:
        log.warning("reconcile: WAHA server %s unreachable: %s", server, exc)
        return 0
    changed = 0
    for device in devices:
        info = sessions.get(device.session_name)
        if info is None:
            if device.last_error_code != SESSION_GONE or device.is_connected:
                device_status_apply(device=device, status="STOPPED", error_code=SESSION_GONE)
                changed += 1
        elif (info.get("status") or "") != device.waha_status:
            device_status_apply(device=device, status=info.get("status"), me=info.get("me"))
            changed += 1
    return changed
