"""Messages in the emulator: sends (with ``message.any`` and timed acks) and injected inbound messages.

A DM send gets ``message.ack`` SERVER → DEVICE → READ after ``ack_delays`` (GOWS never emits SERVER,
API.md §6); with ``ack_lid`` the ack id names the chat by ``@lid`` while the short id stays the one
the send response gave. A group send gets ``message.ack.group`` from one participant. Inbound
messages emit ``message`` and ``message.any`` in the engine's own shape.
"""

from __future__ import annotations

import base64
import binascii
import mimetypes
import time

from devices.emulator import engines, limits, sessions
from devices.emulator.protocol import ApiError, nest, not_ready, server_error, session_missing
from devices.emulator.state import Message, new_short_id

SEND_KINDS = {
    "sendText": "text",
    "sendImage": "image",
    "sendFile": "document",
    "sendVoice": "document",
    "sendVideo": "document",
}


def working_session(emu, name: str):
    """The session for a data call: 422 when missing or not WORKING, as WAHA's session pipe does."""
    session = emu.state.sessions.get(name)
    if session is None:
        raise session_missing(name)
    if session.status != "WORKING":
        raise not_ready(name, session.status)
    return session


def chat_id_of(value: str) -> str:
    """WAHA appends ``@c.us`` to a bare number; ``@s.whatsapp.net`` becomes ``@c.us``."""
    value = value.strip()
    if "@" not in value:
        return "".join(ch for ch in value if ch.isdigit()) + "@c.us"
    user, server = value.split("@", 1)
    return f"{user}@c.us" if server == "s.whatsapp.net" else value


def _new_chat(emu, session, chat_id: str) -> bool:
    """No message either way in this chat yet: a send would open it (WhatsApp's new-chat quota)."""
    if not session.limits.engaged():
        return False  # nothing counts chats; skip the scan
    return not any(m.chat_id == chat_id for m in emu.state.messages.get(session.name, ()))


def _store_file(emu, session_name: str, short_id: str, file: dict) -> dict:
    mimetype = file.get("mimetype") or "application/octet-stream"
    if file.get("url") and not file.get("data"):
        return {"url": file["url"], "mimetype": mimetype, "filename": file.get("filename")}
    try:
        content = base64.b64decode(file.get("data") or "", validate=True)
    except (binascii.Error, ValueError):
        raise ApiError(400, nest(400, "file.data is not valid base64")) from None
    ext = mimetypes.guess_extension(mimetype.split(";")[0].strip()) or ".bin"
    path = f"/api/files/{session_name}/{short_id}{ext}"
    emu.state.files[path] = (mimetype, content)
    return {"url": emu.base_url + path, "mimetype": mimetype, "filename": file.get("filename")}


def send(emu, endpoint: str, request) -> dict:
    body = request.data
    with emu.state.lock:
        session = working_session(emu, body["session"])
        if emu.state.faults.take("send_503"):
            raise ApiError(503, nest(503, "Service Unavailable"))
        if emu.state.faults.take("send_5xx"):
            raise server_error("Emulated engine failure while sending (fault send_5xx)", request)
        if emu.state.faults.take("rate_overlimit") or limits.take_overlimit(session.limits):
            raise server_error(limits.OVERLIMIT_ERRORS[emu.engine], request)
        kind = SEND_KINDS[endpoint]
        chat_id = chat_id_of(body["chatId"])
        refused = limits.check_send(session.limits, emu.engine, chat_id,
                                    new_chat=_new_chat(emu, session, chat_id))
        if refused:
            raise server_error(refused, request)
        # Pre-generated ids are a NOWEB/GOWS feature (API.md §3); WEBJS makes its own.
        short_id = body.get("id") if emu.engine != "WEBJS" and body.get("id") else new_short_id()
        msg = Message(
            session=session.name,
            short_id=short_id,
            chat_id=chat_id,
            from_me=True,
            sender=session.me["id"],
            timestamp=int(time.time()),
            kind=kind,
            source="api",
            body=body.get("text") if kind == "text" else body.get("caption"),
            reply_to=body.get("reply_to"),
            push_name=session.me.get("pushName"),
        )
        if kind != "text":
            msg.media = _store_file(emu, session.name, short_id, body["file"])
        emu.state.messages[session.name].append(msg)
        session.activity = int(time.time() * 1000)
        response = engines.send_response(emu.engine, msg, session.me)
        emu.state.sent.append(
            {
                "session": session.name,
                "endpoint": endpoint,
                "chat_id": chat_id,
                "id": engines.serialized_id(emu.engine, msg),
                "short_id": short_id,
                "text": msg.body,
                "file": body.get("file"),
                "reply_to": msg.reply_to,
                "request": body,
                "timestamp": msg.timestamp,
            }
        )
        emu.webhooks.emit(session, "message.any", engines.wa_message(emu.engine, msg, session.me))
        if emu.options.auto_acks:
            _schedule_acks(emu, session, msg)
        slow_after = emu.state.faults.slow_send_ms
    if slow_after:
        time.sleep(slow_after / 1000)  # a test double: sent already, the answer is what is late
    return response


def _schedule_acks(emu, session, msg) -> None:
    steps = [1, 2, 3] if emu.engine != "GOWS" else [2, 3]  # GOWS receipts never say SERVER
    if msg.is_group:
        steps = [s for s in steps if s >= 2]  # group receipts are per member: delivered, read
    elif emu.state.faults.is_off_whatsapp(msg.chat_id):
        steps = [s for s in steps if s < 2]  # nobody there to deliver to
    delay = 0.0
    for step in steps:
        delay += emu.options.ack_delays[min(step - 1, len(emu.options.ack_delays) - 1)]
        emu.scheduler.call_later(delay, emit_ack, emu, session.name, session.generation, msg, step)


def emit_ack(emu, session_name: str, generation: int | None, msg, ack: int) -> None:
    with emu.state.lock:
        session = emu.state.sessions.get(session_name)
        if session is None or (generation is not None and session.generation != generation):
            return
        msg.ack = max(msg.ack, ack)
        chat_id, reader, event = msg.chat_id, None, "message.ack"
        if msg.is_group:
            event = "message.ack.group"
            group = emu.state.groups.get(session_name, {}).get(msg.chat_id)
            members = [p.id for p in (group.participants if group else []) if p.pn != session.me["id"]]
            reader = members[0] if members else f"{emu.state.learn_lid('6289900000001')}@lid"
        elif emu.options.ack_lid and msg.chat_id.endswith("@c.us"):
            chat_id = f"{emu.state.learn_lid(msg.chat_id.split('@')[0])}@lid"
        payload = engines.ack_payload(emu.engine, msg, session.me, ack, chat_id=chat_id, reader=reader)
        emu.webhooks.emit(session, event, payload)


def inbound(emu, name: str, data: dict) -> dict:
    """Control API: a contact (or group member) writes to the session."""
    phone = "".join(ch for ch in str(data.get("from") or "") if ch.isdigit())
    if not phone:
        raise ApiError(400, nest(400, "'from' (the sender's phone digits) is required"))
    with emu.state.lock:
        session = working_session(emu, name)
        lid = emu.state.learn_lid(phone)
        sender = f"{lid}@lid" if data.get("lid") else f"{phone}@c.us"
        group = data.get("group")
        chat_id = group if group else sender
        short_id = new_short_id()
        msg = Message(
            session=name,
            short_id=short_id,
            chat_id=chat_id,
            from_me=False,
            sender=sender,
            timestamp=int(time.time()),
            body=data.get("text"),
            source="app",
            push_name=data.get("push_name") or f"Contact {phone[-4:]}",
            reply_to=data.get("reply_to"),
            alt_chat_id=f"{phone}@c.us" if data.get("lid") and not group else None,
        )
        if data.get("media"):
            media = dict(data["media"])
            media.setdefault("mimetype", "image/jpeg")
            media.setdefault("data", base64.b64encode(b"emulated media").decode())
            msg.kind = "image" if media["mimetype"].startswith("image/") else "document"
            msg.media = _store_file(emu, name, short_id, media)
        emu.state.messages[name].append(msg)
        payload = engines.wa_message(emu.engine, msg, session.me)
        emu.webhooks.emit(session, "message", payload)
        emu.webhooks.emit(session, "message.any", payload)
        return payload


def push_ack(emu, name: str, data: dict) -> dict:
    """Control API: emit one ack for a sent message now (auto acks off, or an ERROR/PLAYED)."""
    ident = str(data.get("short_id") or data.get("id") or "")
    short_id = ident.split("_")[2] if ident.count("_") >= 2 else ident
    with emu.state.lock:
        sessions.get(emu, name)
        for msg in emu.state.messages.get(name, []):
            if msg.from_me and msg.short_id == short_id:
                emit_ack(emu, name, None, msg, int(data.get("ack", 3)))
                return {"id": engines.serialized_id(emu.engine, msg), "ack": msg.ack}
    raise ApiError(404, nest(404, f"no sent message with short id {short_id!r}"))


def messages_of(emu, name: str, chat_id: str, *, limit: int, offset: int) -> list:
    session = working_session(emu, name)
    wanted = chat_id_of(chat_id) if chat_id != "all" else None
    lid = None
    if wanted and wanted.endswith("@c.us"):
        lid = f"{emu.state.learn_lid(wanted.split('@')[0])}@lid"
    # merge=true (the default): the @lid and @c.us threads of one contact are one chat.
    rows = [m for m in emu.state.messages.get(name, []) if wanted is None or m.chat_id in (wanted, lid)]
    rows.sort(key=lambda m: m.timestamp, reverse=True)
    return [engines.wa_message(emu.engine, m, session.me) for m in rows[offset : offset + limit]]


def chats_of(emu, name: str, *, limit: int | None, offset: int) -> list:
    working_session(emu, name)
    last = {}
    for m in emu.state.messages.get(name, []):
        last[m.chat_id] = max(last.get(m.chat_id, 0), m.timestamp)
    groups = emu.state.groups.get(name, {})
    rows = sorted(
        ((cid, groups[cid].subject if cid in groups else "", ts) for cid, ts in last.items()),
        key=lambda row: row[2],
        reverse=True,
    )
    rows = rows[offset : offset + limit] if limit else rows[offset:]
    return engines.chat_list(emu.engine, rows)
