"""Session lifecycle of the emulator: STOPPED → STARTING → SCAN_QR_CODE → WORKING (→ FAILED).

Every status change emits ``session.status`` (last three statuses, ``data: null``) to the session's
webhooks, which are wired when it starts, as in WAHA (API.md §2, §6). Scanning the QR or completing
a pairing code happens through the control API; the emulator never reaches WORKING on its own.
"""

from __future__ import annotations

import base64
import secrets
import string

from devices.emulator.protocol import ApiError, nest, not_ready, session_not_found
from devices.emulator.state import Session

RUNNING = {"STARTING", "SCAN_QR_CODE", "WORKING"}


def session_info(emu, session, *, with_engine: bool = False) -> dict:
    info = {
        "name": session.name,
        "status": session.status,
        "config": session.config,
        "me": session.me,
        "presence": "online" if session.status == "WORKING" else None,
        "timestamps": {"activity": session.activity},
    }
    if with_engine:
        info["engine"] = {"engine": emu.engine}
    return info


def get(emu, name):
    session = emu.state.sessions.get(name)
    if session is None:
        raise session_not_found()
    return session


def set_status(emu, session, status: str) -> None:
    if status == session.status == "WORKING":
        return  # WAHA suppresses consecutive duplicate WORKING
    session.record(status)
    emu.state.changed.notify_all()
    payload = {"name": session.name, "status": status, "statuses": session.statuses[-3:], "data": None}
    emu.webhooks.emit(session, "session.status", payload)


def create(emu, name: str, config: dict | None, start_now: bool):
    with emu.state.lock:
        if name in emu.state.sessions:
            raise ApiError(422, nest(422, f"Session '{name}' already exists. Use PUT to update it."))
        session = Session(name=name, config=config or {})
        session.record("STOPPED")
        emu.state.sessions[name] = session
        emu.state.messages[name] = []
        emu.state.groups.setdefault(name, {})
        if start_now:
            start(emu, session)
        return session


def update(emu, session, config: dict | None) -> None:
    """PUT replaces the whole config; a running session restarts to pick up the new webhooks."""
    with emu.state.lock:
        was_running = session.status in RUNNING
        if was_running:
            stop(emu, session)
        session.config = config or {}
        if was_running:
            start(emu, session)


def start(emu, session) -> None:
    with emu.state.lock:
        if session.status in RUNNING:
            return  # idempotent, like WAHA
        session.generation += 1
        session.webhooks = list((session.config or {}).get("webhooks") or [])
        set_status(emu, session, "STARTING")
        emu.scheduler.call_later(
            emu.options.status_delay, _after_start, emu, session.name, session.generation
        )


def _after_start(emu, name: str, generation: int) -> None:
    with emu.state.lock:
        session = emu.state.sessions.get(name)
        if session is None or session.generation != generation or session.status != "STARTING":
            return
        if session.me:  # still linked from before a stop: straight back to WORKING
            set_status(emu, session, "WORKING")
            return
        session.qr_value = _qr_value()
        set_status(emu, session, "SCAN_QR_CODE")


def _qr_value() -> str:
    """Looks like WhatsApp's multi-device QR payload: ``2@ref,noiseKey,identityKey,advSecret``."""
    parts = [base64.b64encode(secrets.token_bytes(n)).decode() for n in (48, 32, 32, 32)]
    return "2@" + ",".join(parts)


def stop(emu, session) -> None:
    with emu.state.lock:
        session.generation += 1
        if session.status != "STOPPED":
            set_status(emu, session, "STOPPED")


def restart(emu, session) -> None:
    with emu.state.lock:
        stop(emu, session)
        start(emu, session)


def logout(emu, session) -> None:
    """Drop the linked account; a running session restarts and shows a new QR."""
    with emu.state.lock:
        was_running = session.status in RUNNING or session.status == "FAILED"
        session.me = None
        session.pairing_phone = None
        if was_running:
            restart(emu, session)


def delete(emu, name: str) -> None:
    with emu.state.lock:
        session = emu.state.sessions.get(name)
        if session is None:
            return  # idempotent
        stop(emu, session)
        del emu.state.sessions[name]
        emu.state.messages.pop(name, None)


def me_for(emu, phone: str | None) -> dict:
    if not phone:
        emu.state.phones_used += 1
        phone = f"{emu.options.phone_prefix}{emu.state.phones_used}"
    lid = emu.state.learn_lid(phone)
    return {
        "id": f"{phone}@c.us",
        "lid": f"{lid}@lid",
        "jid": f"{phone}:7@s.whatsapp.net",
        "pushName": emu.options.push_name,
    }


def scan(emu, name: str, phone: str | None = None) -> dict:
    """The control API's "someone scanned the QR (or typed the pairing code)" → WORKING."""
    with emu.state.lock:
        session = get(emu, name)
        if session.status != "SCAN_QR_CODE":
            raise ApiError(409, nest(409, f"session '{name}' is {session.status}, not SCAN_QR_CODE"))
        digits = "".join(ch for ch in (phone or session.pairing_phone or "") if ch.isdigit())
        session.me = me_for(emu, digits or None)
        session.qr_value = None
        set_status(emu, session, "WORKING")
        return session_info(emu, session)


def fail(emu, name: str) -> dict:
    """Auth lost / device unlinked: the session drops to FAILED."""
    with emu.state.lock:
        session = get(emu, name)
        session.generation += 1
        set_status(emu, session, "FAILED")
        return session_info(emu, session)


def flap(emu, name: str, times: int = 1, gap: float = 0.3) -> dict:
    """A session that flaps: ``times`` rounds of FAILED → STARTING → WORKING, ``gap`` seconds apart, each
    with its ``session.status`` webhooks (the account stays linked, as when the phone drops off the network)."""
    with emu.state.lock:
        session = get(emu, name)
        if session.status != "WORKING" or not session.me:
            raise ApiError(409, nest(409, f"session '{name}' is {session.status}, not WORKING"))
    times = max(1, min(int(times or 1), 20))
    gap = max(float(gap or 0), emu.options.status_delay * 3 + 0.05)
    for i in range(times):
        emu.scheduler.call_later(i * gap, _flap_down, emu, name)
        emu.scheduler.call_later(i * gap + gap / 2, _flap_up, emu, name)
    return {"name": name, "flaps": times, "gap": gap}


def _flap_down(emu, name: str) -> None:
    with emu.state.lock:
        session = emu.state.sessions.get(name)
        if session is not None and session.status == "WORKING":
            session.generation += 1
            set_status(emu, session, "FAILED")


def _flap_up(emu, name: str) -> None:
    with emu.state.lock:
        session = emu.state.sessions.get(name)
        if session is not None and session.status == "FAILED" and session.me:
            start(emu, session)


def request_code(emu, session, phone: str) -> str:
    with emu.state.lock:
        if session.status != "SCAN_QR_CODE":
            raise not_ready(session.name, session.status, ("SCAN_QR_CODE",))
        session.pairing_phone = "".join(ch for ch in phone if ch.isdigit())
        letters = string.ascii_uppercase + string.digits
        code = "".join(secrets.choice(letters) for _ in range(8))
        return f"{code[:4]}-{code[4:]}"


def wait_for(emu, session, statuses, timeout: float) -> str:
    """Block until the session is in one of ``statuses`` or the timeout passes; returns the status."""
    with emu.state.changed:
        emu.state.changed.wait_for(lambda: session.status in statuses, timeout=timeout)
        return session.status
