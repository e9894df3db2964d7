"""The WAHA HTTP API routes the emulator implements, with WAHA's paths, status codes and bodies.

Covered: ping/health/version, sessions CRUD + start/stop/restart/logout/me, QR and pairing code,
sendText/Image/File/Voice/Video, sendSeen, start/stopTyping, check-exists, groups (engine shapes),
groups count, participants v2, chats, chat messages, LIDs, ``/api/files/...`` and new-message-id.
Anything else answers Nest's 404 ``Cannot <METHOD> <path>``.
"""

from __future__ import annotations

import base64
import io
import re
import secrets
import time

import qrcode
import qrcode.image.pure

from devices.emulator import engines, limits, messages, sessions
from devices.emulator.protocol import ApiError, Response, nest, not_ready, server_error, session_missing
from devices.emulator.state import lid_for_phone, new_short_id
from devices.emulator.webhooks import VERSION

NAME_RE = re.compile(r"^[a-zA-Z0-9_-]{1,54}$")


# -- server


def ping(emu, request):
    return Response(200, {"message": "pong"})


def health(emu, request):
    return Response(200, {"status": "ok", "info": {}, "error": {}, "details": {}})


def version(emu, request):
    return Response(200, {"version": VERSION, "engine": emu.engine, "tier": "CORE", "browser": None})


# -- sessions


def session_list(emu, request):
    with emu.state.lock:
        show_all = request.flag("all")
        rows = [
            sessions.session_info(emu, s)
            for s in emu.state.sessions.values()
            if show_all or s.status != "STOPPED"
        ]
    return Response(200, rows)


def session_create(emu, request):
    body = request.data or {}
    name = body.get("name") or "session_" + secrets.token_hex(13)[:26]
    if not NAME_RE.match(name):
        raise ApiError(
            400,
            {
                "statusCode": 400,
                "error": "Bad Request",
                "message": ["name must match ^[a-zA-Z0-9_-]*$ and be at most 54 characters"],
            },
        )
    _check_webhook_urls(body.get("config"))
    # The Feb-2026 controller does `request.start || false` (API.md §2): no start unless asked.
    session = sessions.create(emu, name, body.get("config"), bool(body.get("start")))
    with emu.state.lock:
        return Response(201, sessions.session_info(emu, session, with_engine=True))


def _check_webhook_urls(config):
    for i, webhook in enumerate((config or {}).get("webhooks") or []):
        if not str(webhook.get("url", "")).startswith(("http://", "https://")):
            raise ApiError(
                400,
                {
                    "statusCode": 400,
                    "error": "Bad Request",
                    "message": [f"config.webhooks.{i}.url must be a URL address"],
                },
            )


def session_get(emu, request):
    with emu.state.lock:
        return Response(
            200, sessions.session_info(emu, sessions.get(emu, request.params["session"]), with_engine=True)
        )


def session_update(emu, request):
    body = request.data or {}
    _check_webhook_urls(body.get("config"))
    with emu.state.lock:
        session = sessions.get(emu, request.params["session"])
        sessions.update(emu, session, body.get("config"))
        return Response(200, sessions.session_info(emu, session))


def session_delete(emu, request):
    sessions.delete(emu, request.params["session"])
    return Response(200, None)


def _session_action(action):
    def handler(emu, request):
        with emu.state.lock:
            session = sessions.get(emu, request.params["session"])
            action(emu, session)
            return Response(201, sessions.session_info(emu, session, with_engine=True))

    return handler


def session_me(emu, request):
    with emu.state.lock:
        session = sessions.get(emu, request.params["session"])
        if session.me is None:
            return Response(200, None)  # empty body, as WAHA does before auth
        return Response(200, {**session.me, **session.limits.me_fields(time.time())})


# -- pairing


def _session_for_auth(emu, name):
    with emu.state.lock:
        session = emu.state.sessions.get(name)
        if session is None:
            raise session_missing(name)
    # WAHA waits for the session to show a QR before giving up with 422.
    status = sessions.wait_for(
        emu, session, {"SCAN_QR_CODE", "WORKING", "FAILED", "STOPPED"}, emu.options.qr_wait
    )
    if status != "SCAN_QR_CODE":
        raise not_ready(name, status, ("SCAN_QR_CODE",))
    return session


def auth_qr(emu, request):
    session = _session_for_auth(emu, request.params["session"])
    value = session.qr_value
    if request.arg("format", "image") == "raw":
        return Response(200, {"value": value})
    buffer = io.BytesIO()
    qrcode.make(value, image_factory=qrcode.image.pure.PyPNGImage).save(buffer)
    png = buffer.getvalue()
    if "application/json" in request.headers.get("accept", ""):
        return Response(200, {"mimetype": "image/png", "data": base64.b64encode(png).decode()})
    return Response(200, png, content_type="image/png")


def auth_request_code(emu, request):
    session = _session_for_auth(emu, request.params["session"])
    return Response(201, {"code": sessions.request_code(emu, session, request.data["phoneNumber"])})


# -- sending


def _sender(endpoint):
    def handler(emu, request):
        return Response(201, messages.send(emu, endpoint, request))

    return handler


def send_seen(emu, request):
    with emu.state.lock:
        messages.working_session(emu, request.data["session"])
    if emu.engine == "WEBJS":
        return Response(201, {"ids": None})
    if request.data.get("messageIds"):
        return Response(201, None)
    return Response(201, {"ids": []})


def typing(emu, request):
    with emu.state.lock:
        messages.working_session(emu, request.data["session"])
    return Response(201, {"result": True})


# -- contacts, LIDs


def check_exists(emu, request):
    phone = (request.arg("phone") or "").split("@")[0]
    digits = "".join(ch for ch in phone if ch.isdigit())
    with emu.state.lock:
        session = messages.working_session(emu, request.arg("session") or "default")
        if emu.state.faults.take("rate_overlimit") or limits.take_overlimit(session.limits):
            raise server_error(limits.OVERLIMIT_ERRORS[emu.engine], request)
        if not digits or emu.state.faults.is_off_whatsapp(digits):
            return Response(200, {"numberExists": False})
        return Response(200, {"numberExists": True, "chatId": f"{digits}@c.us"})


def lids_list(emu, request):
    with emu.state.lock:
        messages.working_session(emu, request.params["session"])
        rows = [{"lid": f"{lid}@lid", "pn": f"{pn}@c.us"} for lid, pn in emu.state.lids.items()]
    offset = request.int_arg("offset", 0)
    limit = request.int_arg("limit", 100)
    return Response(200, rows[offset : offset + limit])


def lids_count(emu, request):
    with emu.state.lock:
        messages.working_session(emu, request.params["session"])
        return Response(200, {"count": len(emu.state.lids)})


def lid_get(emu, request):
    lid = request.params["lid"].split("@")[0]
    with emu.state.lock:
        messages.working_session(emu, request.params["session"])
        pn = emu.state.lids.get(lid)
    return Response(200, {"lid": f"{lid}@lid", "pn": f"{pn}@c.us" if pn else None})


def lid_by_phone(emu, request):
    phone = "".join(ch for ch in request.params["phone"].split("@")[0] if ch.isdigit())
    with emu.state.lock:
        messages.working_session(emu, request.params["session"])
        lid = lid_for_phone(phone)
        known = emu.state.lids.get(lid) == phone
    return Response(200, {"lid": f"{lid}@lid" if known else None, "pn": f"{phone}@c.us"})


def contacts_all(emu, request):
    """GET /api/contacts/all: the people this account knows (group members whose number is shared, and
    everyone who wrote in), in the documented contact shape; ``pushname`` is their own display name."""
    session_name = request.arg("session") or "default"
    with emu.state.lock:
        messages.working_session(emu, session_name)
        known: dict[str, str] = {}
        for group in emu.state.groups.get(session_name, {}).values():
            for p in group.participants:
                if p.phone and not p.hidden:
                    known[p.phone] = known.get(p.phone) or p.name
        for message in emu.state.messages.get(session_name, []):
            if not message.from_me and message.sender.endswith("@c.us"):
                phone = message.sender.split("@")[0]
                known[phone] = known.get(phone) or (message.push_name or "")
    rows = [{"id": f"{phone}@c.us", "number": phone, "name": None, "pushname": name or None,
             "shortName": None, "isMe": False, "isGroup": False, "isWAContact": True, "isMyContact": False,
             "isBlocked": False} for phone, name in sorted(known.items())]
    offset = request.int_arg("offset", 0)
    limit = request.int_arg("limit", 0)
    return Response(200, rows[offset : offset + limit] if limit else rows[offset:])


# -- groups


def _groups(emu, request):
    messages.working_session(emu, request.params["session"])
    return list(emu.state.groups.get(request.params["session"], {}).values())


def groups_list(emu, request):
    with emu.state.lock:
        groups = _groups(emu, request)
        if request.arg("sortBy") in ("id", "subject"):
            key = request.arg("sortBy")
            groups.sort(key=lambda g: getattr(g, key), reverse=request.arg("sortOrder") == "desc")
        offset = request.int_arg("offset", 0)
        limit = request.int_arg("limit")
        groups = groups[offset : offset + limit] if limit else groups[offset:]
        return Response(200, engines.groups_list(emu.engine, groups))


def groups_count(emu, request):
    with emu.state.lock:
        return Response(200, {"count": len(_groups(emu, request))})


def _group(emu, request):
    for group in _groups(emu, request):
        if group.id == request.params["id"]:
            return group
    raise ApiError(404, nest(404, "Group not found"))


def group_get(emu, request):
    with emu.state.lock:
        shape = engines.groups_list(emu.engine, [_group(emu, request)])
        return Response(200, next(iter(shape.values())) if isinstance(shape, dict) else shape[0])


def group_participants_v2(emu, request):
    with emu.state.lock:
        return Response(200, engines.participants_v2(_group(emu, request)))


# -- chats


def chats(emu, request):
    with emu.state.lock:
        rows = messages.chats_of(
            emu,
            request.params["session"],
            limit=request.int_arg("limit"),
            offset=request.int_arg("offset", 0),
        )
    return Response(200, rows)


def chat_messages(emu, request):
    with emu.state.lock:
        rows = messages.messages_of(
            emu,
            request.params["session"],
            request.params["chatId"],
            limit=request.int_arg("limit", 10),
            offset=request.int_arg("offset", 0),
        )
    return Response(200, rows)


def new_message_id(emu, request):
    with emu.state.lock:
        messages.working_session(emu, request.params["session"])
    if emu.engine == "WEBJS":
        raise ApiError(501, nest(501, "The method is not implemented by 'WEBJS' engine."))
    return Response(200, {"id": new_short_id()})


def files(emu, request):
    with emu.state.lock:
        stored = emu.state.files.get(request.path)
    if stored is None:
        raise ApiError(404, nest(404, "File not found"))
    mimetype, content = stored
    return Response(200, content, content_type=mimetype)


# (method, path template, handler, session-in-body). Literal paths before templated siblings.
ROUTES = [
    ("GET", "/ping", ping, False),
    ("GET", "/health", health, False),
    ("GET", "/api/server/version", version, False),
    ("GET", "/api/version", version, False),
    ("GET", "/api/sessions", session_list, False),
    ("POST", "/api/sessions", session_create, False),
    ("GET", "/api/sessions/{session}", session_get, False),
    ("PUT", "/api/sessions/{session}", session_update, False),
    ("DELETE", "/api/sessions/{session}", session_delete, False),
    ("POST", "/api/sessions/{session}/start", _session_action(sessions.start), False),
    ("POST", "/api/sessions/{session}/stop", _session_action(sessions.stop), False),
    ("POST", "/api/sessions/{session}/restart", _session_action(sessions.restart), False),
    ("POST", "/api/sessions/{session}/logout", _session_action(sessions.logout), False),
    ("GET", "/api/sessions/{session}/me", session_me, False),
    ("GET", "/api/{session}/auth/qr", auth_qr, False),
    ("POST", "/api/{session}/auth/request-code", auth_request_code, False),
    *[("POST", f"/api/{endpoint}", _sender(endpoint), True) for endpoint in messages.SEND_KINDS],
    ("POST", "/api/sendSeen", send_seen, True),
    ("POST", "/api/startTyping", typing, True),
    ("POST", "/api/stopTyping", typing, True),
    ("GET", "/api/contacts/check-exists", check_exists, False),
    ("GET", "/api/contacts/all", contacts_all, False),
    ("GET", "/api/{session}/lids", lids_list, False),
    ("GET", "/api/{session}/lids/count", lids_count, False),
    ("GET", "/api/{session}/lids/pn/{phone}", lid_by_phone, False),
    ("GET", "/api/{session}/lids/{lid}", lid_get, False),
    ("GET", "/api/{session}/groups", groups_list, False),
    ("GET", "/api/{session}/groups/count", groups_count, False),
    ("GET", "/api/{session}/groups/{id}", group_get, False),
    ("GET", "/api/{session}/groups/{id}/participants/v2", group_participants_v2, False),
    ("GET", "/api/{session}/chats", chats, False),
    ("GET", "/api/{session}/chats/{chatId}/messages", chat_messages, False),
    ("GET", "/api/{session}/new-message-id", new_message_id, False),
    ("GET", "/api/files/{path+}", files, False),
]
