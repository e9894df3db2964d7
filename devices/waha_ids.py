"""WhatsApp id helpers shared by the WAHA client and the webhook handlers.

WAHA serializes a message id as ``{fromMe}_{chatId}_{shortId}[_{participant}]``. The chat part is not
stable (the same DM can be ``<phone>@c.us`` in the send response and ``<lid>@lid`` in the ack), so
everything that correlates sends with acks or replies uses the short id (API.md §3, §6).

Each engine hands the id over in its own shape (API.md §3): GOWS ``{"id": "true_…"}``, NOWEB
``{"key": {"remoteJid", "fromMe", "id"}}``, WEBJS ``{"id": {"_serialized": …}}``; ``serialized_id_of``
and ``short_id_of`` accept all of them.
"""

from __future__ import annotations

import re

_DIGITS = re.compile(r"\D+")
# Servers a phone number can appear under; @s.whatsapp.net only inside NOWEB/GOWS raw data.
_PHONE_SERVERS = ("c.us", "s.whatsapp.net")


def parse_message_id(serialized: str) -> tuple[bool, str, str, str | None]:
    """Split ``true_628…@c.us_3EB0…[_participant]`` into (from_me, chat_id, short_id, participant).

    Raises ValueError for anything that is not a serialized id, so a caller never correlates on junk.
    """
    if not isinstance(serialized, str):
        raise ValueError(f"message id must be a string, got {type(serialized).__name__}")
    parts = serialized.split("_")
    if len(parts) < 3 or parts[0] not in ("true", "false") or "@" not in parts[1] or not parts[2]:
        raise ValueError(f"not a serialized WhatsApp message id: {serialized!r}")
    participant = "_".join(parts[3:]) or None
    return parts[0] == "true", parts[1], parts[2], participant


def normalize_jid(jid: str | None) -> str | None:
    """``628…:12@s.whatsapp.net`` (raw engine form) → ``628…@c.us``; other ids unchanged."""
    if not jid or "@" not in jid:
        return jid
    user, server = jid.split("@", 1)
    if server == "s.whatsapp.net":
        server = "c.us"
    if server in ("c.us", "lid"):
        user = user.split(":", 1)[0]  # drop the device suffix of a linked-device jid
    return f"{user}@{server}"


def serialized_id_of(raw) -> str | None:
    """The full serialized id from any engine's message shape, or None (empty WEBJS 201 body)."""
    if not raw:
        return None
    if isinstance(raw, str):
        return raw
    if not isinstance(raw, dict):
        return None
    ident = raw.get("id")
    if isinstance(ident, str) and ident:
        return ident  # GOWS send response, every WAMessage payload
    if isinstance(ident, dict) and ident.get("_serialized"):
        return ident["_serialized"]  # WEBJS Message
    key = raw.get("key")
    if isinstance(key, dict) and key.get("id") and key.get("remoteJid"):
        # NOWEB: raw Baileys WebMessageInfo; WAHA builds the same string for its events.
        from_me = "true" if key.get("fromMe") else "false"
        serialized = f"{from_me}_{normalize_jid(key['remoteJid'])}_{key['id']}"
        if key.get("participant"):
            serialized += f"_{normalize_jid(key['participant'])}"
        return serialized
    return None


def short_id_of(value) -> str | None:
    """The WhatsApp short id (3rd ``_`` part) from a serialized id, a bare short id or an engine shape."""
    if isinstance(value, dict):
        key = value.get("key")
        if isinstance(key, dict) and key.get("id"):
            return key["id"]
        value = serialized_id_of(value)
    if not value or not isinstance(value, str):
        return None
    if "_" not in value:
        return value  # already a short id
    return parse_message_id(value)[2]


def chat_id_for_phone(digits: str) -> str:
    """``+62 812-3456`` or ``628123456`` → ``628123456@c.us`` (WAHA wants no ``+`` and no spaces)."""
    clean = _DIGITS.sub("", digits or "")
    if not clean:
        raise ValueError(f"no digits in phone number {digits!r}")
    return f"{clean}@c.us"


def phone_of_chat_id(chat_id: str | None) -> str | None:
    """Digits of a phone chat id (``@c.us`` / ``@s.whatsapp.net``); None for ``@lid``, groups, channels."""
    if not chat_id or "@" not in chat_id:
        return None
    user, server = chat_id.split("@", 1)
    if server not in _PHONE_SERVERS:
        return None
    user = user.split(":", 1)[0]
    return user if user.isdigit() else None
