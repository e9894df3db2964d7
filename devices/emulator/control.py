"""The emulator-only control API under ``/_emulator/`` (no API key; see the package docstring).

It plays the other side of WhatsApp: a person scanning the QR, contacts writing in, groups existing,
things breaking. ``EmulatorServer`` exposes the same operations as Python methods.
"""

from __future__ import annotations

import secrets
import time

from devices.emulator import limits, messages, sessions
from devices.emulator.protocol import ApiError, Response, nest
from devices.emulator.state import Group, Participant, lid_for_phone


def add_group(emu, name: str, data: dict) -> dict:
    """Create a group in ``name``'s account. Participants: ``{phone, role?, hidden?}``."""
    subject = data.get("subject") or data.get("name") or "Emulated group"
    group_id = data.get("id") or f"1203630{secrets.randbelow(10**11):011d}@g.us"
    if not group_id.endswith("@g.us"):
        raise ApiError(400, nest(400, "group id must end with @g.us"))
    with emu.state.lock:
        session = sessions.get(emu, name)
        participants = []
        for entry in data.get("participants") or []:
            phone = "".join(ch for ch in str(entry.get("phone") or "") if ch.isdigit()) or None
            role = entry.get("role") or "participant"
            if role not in ("participant", "admin", "superadmin", "left"):
                raise ApiError(400, nest(400, f"unknown role {role!r}"))
            if phone is None:
                raise ApiError(400, nest(400, "each participant needs a phone"))
            hidden = bool(entry.get("hidden"))
            # A hidden number is not learnt: the LIDs API must not reveal it either.
            lid = lid_for_phone(phone) if hidden else emu.state.learn_lid(phone)
            name_ = str(entry.get("name") or "")[:80]
            participants.append(Participant(phone=phone, lid=lid, role=role, hidden=hidden, name=name_))
        if session.me and not any(p.phone == session.me["id"].split("@")[0] for p in participants):
            me_phone = session.me["id"].split("@")[0]
            participants.insert(
                0, Participant(phone=me_phone, lid=session.me["lid"].split("@")[0], role="superadmin")
            )
        owner = next((p.id for p in participants if p.role == "superadmin"), None)
        emu.state.groups.setdefault(name, {})[group_id] = Group(
            id=group_id, subject=subject, participants=participants, owner=owner
        )
        return {"id": group_id, "subject": subject, "size": len(participants)}


def set_faults(emu, data: dict) -> dict:
    with emu.state.lock:
        try:
            emu.state.faults.update({k: v for k, v in data.items() if k != "session_fail"})
        except (ValueError, TypeError) as exc:
            raise ApiError(400, nest(400, str(exc))) from None
        if data.get("session_fail"):
            sessions.fail(emu, data["session_fail"])
        return emu.state.faults.as_dict()


def set_limits(emu, name: str, data: dict) -> dict:
    """Set WhatsApp's capping / timelock on an account (``limits.set_limits``); returns what /me now adds."""
    with emu.state.lock:
        session = sessions.get(emu, name)
        try:
            limits.set_limits(session.limits, data)
        except (ValueError, TypeError, AttributeError) as exc:
            raise ApiError(400, nest(400, f"bad limits: {exc}")) from None
        return session.limits.me_fields(time.time())


def _body(request) -> dict:
    return request.data if isinstance(request.data, dict) else {}


def scan(emu, request):
    return Response(200, sessions.scan(emu, request.params["name"], _body(request).get("phone")))


def inbound(emu, request):
    return Response(201, messages.inbound(emu, request.params["name"], _body(request)))


def groups(emu, request):
    return Response(201, add_group(emu, request.params["name"], _body(request)))


def ack(emu, request):
    return Response(201, messages.push_ack(emu, request.params["name"], _body(request)))


def fail(emu, request):
    return Response(200, sessions.fail(emu, request.params["name"]))


def account_limits(emu, request):
    return Response(200, set_limits(emu, request.params["name"], _body(request)))


def flap(emu, request):
    body = _body(request)
    return Response(200, sessions.flap(emu, request.params["name"], body.get("times", 1), body.get("gap", 0.3)))


def faults(emu, request):
    if request.method == "GET":
        with emu.state.lock:
            return Response(200, emu.state.faults.as_dict())
    return Response(200, set_faults(emu, _body(request)))


def sent(emu, request):
    with emu.state.lock:
        return Response(200, list(emu.state.sent))


def webhook_log(emu, request):
    with emu.state.lock:
        return Response(200, list(emu.state.webhook_log))


def reset(emu, request):
    emu.reset()
    return Response(200, {"reset": True})


ROUTES = [
    ("POST", "/_emulator/sessions/{name}/scan", scan),
    ("POST", "/_emulator/sessions/{name}/inbound", inbound),
    ("POST", "/_emulator/sessions/{name}/groups", groups),
    ("POST", "/_emulator/sessions/{name}/ack", ack),
    ("POST", "/_emulator/sessions/{name}/fail", fail),
    ("POST", "/_emulator/sessions/{name}/limits", account_limits),
    ("POST", "/_emulator/sessions/{name}/flap", flap),
    ("GET", "/_emulator/faults", faults),
    ("POST", "/_emulator/faults", faults),
    ("GET", "/_emulator/sent", sent),
    ("GET", "/_emulator/webhooks", webhook_log),
    ("POST", "/_emulator/reset", reset),
]
