"""Per-engine JSON shapes: what GOWS, NOWEB and WEBJS each return and put in webhooks (API.md §3–§6).

WAHA's engines disagree on send responses, group lists, ``from``/``to`` of a WAMessage and the
``_data`` they attach. Each function here takes engine-neutral state (``state.Message``, ``Group``)
and renders one engine's shape, so the rest of the emulator never branches on the engine.
"""

from __future__ import annotations

import datetime

ENGINES = ("GOWS", "NOWEB", "WEBJS")
ACK_NAMES = {-1: "ERROR", 0: "PENDING", 1: "SERVER", 2: "DEVICE", 3: "READ", 4: "PLAYED"}
_WEBJS_TYPES = {"text": "chat", "image": "image", "document": "document"}


def raw_jid(chat_id: str | None) -> str | None:
    """``@c.us`` → ``@s.whatsapp.net``: how NOWEB/GOWS name a phone inside ``_data``."""
    if chat_id and chat_id.endswith("@c.us"):
        return chat_id[: -len("@c.us")] + "@s.whatsapp.net"
    return chat_id


def _wid(serialized: str) -> dict:
    user, server = serialized.split("@", 1)
    return {"server": server, "user": user, "_serialized": serialized}


def serialized_id(engine: str, msg, *, chat_id: str | None = None, participant: str | None = None) -> str:
    """``{fromMe}_{chat}_{short}[_{participant}]``. Groups get the 4th part where the engine adds it."""
    chat = chat_id or msg.chat_id
    ident = f"{'true' if msg.from_me else 'false'}_{chat}_{msg.short_id}"
    if participant:
        return f"{ident}_{participant}"
    # GOWS always names the group sender; NOWEB/WEBJS only for others' messages (WEBJS bug #1464
    # is exactly that its own group sends lack the suffix the acks later carry).
    if msg.is_group and (engine == "GOWS" or not msg.from_me):
        ident += f"_{msg.sender}"
    return ident


def _proto_message(msg) -> dict:
    if msg.kind == "image":
        return {"imageMessage": {"caption": msg.body or "", "mimetype": (msg.media or {}).get("mimetype")}}
    if msg.kind == "document":
        media = msg.media or {}
        return {
            "documentMessage": {
                "caption": msg.body or "",
                "mimetype": media.get("mimetype"),
                "fileName": media.get("filename"),
            }
        }
    if msg.reply_to:
        return {"extendedTextMessage": {"text": msg.body, "contextInfo": {"stanzaId": msg.reply_to}}}
    return {"conversation": msg.body}


def _raw_data(engine: str, msg, me: dict | None) -> dict:
    me_id = (me or {}).get("id")
    if engine == "GOWS":
        info = {
            "Chat": raw_jid(msg.chat_id),
            "Sender": raw_jid(msg.sender),
            "IsFromMe": msg.from_me,
            "IsGroup": msg.is_group,
            "ID": msg.short_id,
            "Type": "text" if msg.kind == "text" else "media",
            "PushName": msg.push_name or "",
            "Timestamp": datetime.datetime.fromtimestamp(msg.timestamp, datetime.UTC).isoformat(),
        }
        if msg.alt_chat_id:
            info["SenderAlt"] = raw_jid(msg.alt_chat_id)
        return {"Info": info, "Message": _proto_message(msg)}
    if engine == "NOWEB":
        key = {"remoteJid": raw_jid(msg.chat_id), "fromMe": msg.from_me, "id": msg.short_id}
        if msg.is_group:
            key["participant"] = raw_jid(msg.sender)
        if msg.alt_chat_id:
            key["remoteJidAlt"] = raw_jid(msg.alt_chat_id)
        return {
            "key": key,
            "message": _proto_message(msg),
            "messageTimestamp": msg.timestamp,
            "pushName": msg.push_name,
            "status": msg.ack + 1,
        }
    data = {
        "id": _webjs_id(msg),
        "body": msg.body or "",
        "type": _WEBJS_TYPES[msg.kind],
        "t": msg.timestamp,
        "notifyName": msg.push_name or "",
        "ack": msg.ack,
    }
    data.update(_webjs_from_to(msg, me_id))
    return data


def _webjs_id(msg, serialized: str | None = None) -> dict:
    return {
        "fromMe": msg.from_me,
        "remote": msg.chat_id,
        "id": msg.short_id,
        "_serialized": serialized or serialized_id("WEBJS", msg),
    }


def _webjs_from_to(msg, me_id) -> dict:
    # whatsapp-web.js: outgoing from=me/to=chat; incoming DM from=contact/to=me; group from=group.
    if msg.from_me:
        return {"from": me_id, "to": msg.chat_id}
    return {"from": msg.chat_id, "to": me_id}


def _from_to_participant(engine: str, msg, me_id) -> tuple:
    if engine == "WEBJS":
        pair = _webjs_from_to(msg, me_id)
        return pair["from"], pair["to"], (msg.sender if msg.is_group else None)
    if engine == "NOWEB":  # from = chat always; to only for groups (= the group)
        return msg.chat_id, (msg.chat_id if msg.is_group else None), (msg.sender if msg.is_group else None)
    # GOWS: from = chat always; to = sender for groups, null for DMs
    return msg.chat_id, (msg.sender if msg.is_group else None), (msg.sender if msg.is_group else None)


def wa_message(engine: str, msg, me: dict | None) -> dict:
    """The WAMessage of ``message`` / ``message.any`` webhooks and GET …/messages."""
    me_id = (me or {}).get("id")
    sender_from, to, participant = _from_to_participant(engine, msg, me_id)
    media = None
    if msg.media:
        media = {
            "url": msg.media.get("url"),
            "mimetype": msg.media.get("mimetype"),
            "filename": msg.media.get("filename"),
            "error": None,
        }
    payload = {
        "id": serialized_id(engine, msg),
        "timestamp": msg.timestamp,
        "from": sender_from,
        "fromMe": msg.from_me,
        "source": msg.source,
        "to": to,
        "participant": participant,
        "body": msg.body,
        "hasMedia": msg.media is not None,
        "media": media,
        "ack": msg.ack,
        "ackName": ACK_NAMES.get(msg.ack, "UNKNOWN"),
        "location": None,
        "vCards": [],
        "replyTo": {"id": msg.reply_to.split("_")[2] if "_" in msg.reply_to else msg.reply_to}
        if msg.reply_to
        else None,
        "_data": _raw_data(engine, msg, me),
    }
    if media:
        payload["mediaUrl"] = media["url"]
    if engine == "WEBJS" and msg.is_group:
        payload["author"] = msg.sender
    return payload


def send_response(engine: str, msg, me: dict | None) -> dict:
    """The 201 body of POST /api/send*: raw engine data, not a WAMessage (issue #760)."""
    if engine == "GOWS":
        return {"id": serialized_id(engine, msg), "_data": _raw_data(engine, msg, me)}
    if engine == "NOWEB":
        data = _raw_data(engine, msg, me)
        return {
            "key": data["key"],
            "message": data["message"],
            "messageTimestamp": str(msg.timestamp),
            "status": "PENDING",
        }
    me_id = (me or {}).get("id")
    return {
        "_data": _raw_data(engine, msg, me),
        "id": _webjs_id(msg),
        "ack": 0,
        "hasMedia": msg.media is not None,
        "body": msg.body or "",
        "type": _WEBJS_TYPES[msg.kind],
        "timestamp": msg.timestamp,
        "from": me_id,
        "to": msg.chat_id,
        "fromMe": True,
        "deviceType": "web",
        "isForwarded": False,
        "hasQuotedMsg": bool(msg.reply_to),
    }


def ack_payload(engine: str, msg, me: dict | None, ack: int, *, chat_id: str, reader: str | None) -> dict:
    """``message.ack`` / ``message.ack.group`` payload. ``chat_id`` may be the @lid form of the chat."""
    me_id = (me or {}).get("id")
    ident = serialized_id(engine, msg, chat_id=chat_id, participant=reader if msg.is_group else None)
    if engine == "WEBJS":
        sender_from, to = me_id, chat_id
        data = {"id": _webjs_id(msg, ident), "ack": ack}
    elif engine == "NOWEB":
        sender_from, to = chat_id, None
        data = {
            "key": {"remoteJid": raw_jid(chat_id), "id": msg.short_id, "fromMe": True},
            "update": {"status": ack + 1},
        }
        if reader:
            data["key"]["participant"] = raw_jid(reader)
    else:
        sender_from, to = chat_id, None
        data = {
            "MessageIDs": [msg.short_id],
            "Chat": raw_jid(chat_id),
            "Sender": raw_jid(reader or chat_id),
            "Type": {2: "", 3: "read", 4: "played"}.get(ack, ""),
            "IsFromMe": False,
        }
    return {
        "id": ident,
        "from": sender_from,
        "to": to,
        "participant": reader,
        "fromMe": True,
        "ack": ack,
        "ackName": ACK_NAMES.get(ack, "UNKNOWN"),
        "_data": data,
    }


def groups_list(engine: str, groups: list) -> object:
    """GET /api/{session}/groups: WEBJS GroupChat[], GOWS GroupInfo[], NOWEB {id: GroupMetadata}."""
    if engine == "NOWEB":
        return {g.id: _noweb_group(g) for g in groups}
    if engine == "GOWS":
        return [_gows_group(g) for g in groups]
    return [_webjs_group(g) for g in groups]


def _noweb_group(g) -> dict:
    participants = []
    for p in g.participants:
        # Baileys names lid-addressed members by @lid and adds phoneNumber only when it is shared.
        entry = {"id": raw_jid(p.id), "admin": None if p.role == "participant" else p.role}
        if p.pn:
            entry["phoneNumber"] = raw_jid(p.pn)
        participants.append(entry)
    return {
        "id": g.id,
        "subject": g.subject,
        "subjectOwner": g.owner,
        "subjectTime": g.created,
        "size": len(g.participants),
        "creation": g.created,
        "owner": g.owner,
        "desc": None,
        "restrict": False,
        "announce": False,
        "participants": participants,
    }


def _gows_group(g) -> dict:
    participants = [
        {
            "JID": f"{p.lid}@lid" if p.hidden else raw_jid(p.id),
            "PhoneNumber": "" if p.hidden else raw_jid(p.pn),
            "LID": f"{p.lid}@lid",
            "IsAdmin": p.role in ("admin", "superadmin"),
            "IsSuperAdmin": p.role == "superadmin",
            "DisplayName": "",
            "Error": 0,
            "AddRequest": None,
        }
        for p in g.participants
    ]
    return {
        "JID": g.id,
        "OwnerJID": raw_jid(g.owner) or "",
        "Name": g.subject,
        "NameSetAt": "",
        "Topic": "",
        "IsLocked": False,
        "IsAnnounce": False,
        "IsEphemeral": False,
        "GroupCreated": datetime.datetime.fromtimestamp(g.created, datetime.UTC).isoformat(),
        "ParticipantVersionID": "",
        "Participants": participants,
    }


def _webjs_group(g) -> dict:
    participants = [
        {
            "id": _wid(p.id),
            "isAdmin": p.role in ("admin", "superadmin"),
            "isSuperAdmin": p.role == "superadmin",
        }
        for p in g.participants
    ]
    return {
        "id": _wid(g.id),
        "name": g.subject,
        "isGroup": True,
        "isReadOnly": False,
        "unreadCount": 0,
        "timestamp": g.created,
        "archived": False,
        "pinned": False,
        "groupMetadata": {
            "id": _wid(g.id),
            "creation": g.created,
            "owner": _wid(g.owner) if g.owner else None,
            "subject": g.subject,
            "desc": "",
            "size": len(g.participants),
            "participants": participants,
        },
    }


def participants_v2(group) -> list[dict]:
    """GET …/participants/v2: the one normalised shape; ``pn`` absent when the number is hidden."""
    result = []
    for p in group.participants:
        entry = {"id": p.id, "role": p.role}
        if p.pn:
            entry["pn"] = p.pn
        result.append(entry)
    return result


def chat_list(engine: str, chats: list[tuple[str, str, int]]) -> list[dict]:
    """GET /api/{session}/chats from (chat_id, name, last timestamp) rows."""
    if engine == "WEBJS":
        return [
            {
                "id": _wid(cid),
                "name": name,
                "isGroup": cid.endswith("@g.us"),
                "unreadCount": 0,
                "timestamp": ts,
                "archived": False,
                "pinned": False,
            }
            for cid, name, ts in chats
        ]
    return [
        {"id": cid, "name": name, "conversationTimestamp": ts, "unreadCount": 0} for cid, name, ts in chats
    ]
