"""Reading WAHA message payloads the same way whatever the engine (GOWS, NOWEB, WEBJS): API.md §5-6.

`read_message(envelope)` returns an engine-neutral `IncomingMessage`: the chat address by the robust
rule (a @g.us in from/to wins; else our own send's `to`; else `from`), its kind (direct, group, status,
channel), the short id dedupe keys on, the text or caption, media and, for an @lid sender, the phone
number the engine already told us (NOWEB `_data.key.remoteJidAlt`, GOWS `_data.Info.SenderAlt` /
`ChatAlt`), so the LID API is only asked when no alternate came along.
"""
import dataclasses
import datetime

from django.utils import timezone

from devices.waha_ids import normalize_jid, phone_of_chat_id, serialized_id_of, short_id_of

from .media import shown_inline


@dataclasses.dataclass
class IncomingMessage:
    waha_id: str
    short_id: str
    chat_jid: str
    kind: str  # direct, group, status, channel
    from_me: bool
    source: str  # "api" or "app"
    text: str
    timestamp: datetime.datetime
    push_name: str
    has_media: bool
    media_url: str
    media_mimetype: str
    media_filename: str
    alt_phone: str | None  # phone digits an engine gave for an @lid chat

    @property
    def phone(self):
        return phone_of_chat_id(self.chat_jid)

    @property
    def is_lid(self):
        return self.chat_jid.endswith("@lid")


def _kind(jid):
    if jid == "status@broadcast" or jid.endswith("@broadcast"):
        return "status"
    if jid.endswith("@g.us"):
        return "group"
    if jid.endswith("@newsletter"):
        return "channel"
    return "direct"


def chat_jid_of(payload, me_id=None):
    """API.md §5 robust rule: a group id in from/to wins; else our send's `to` (when not us); else `from`."""
    sender, to = payload.get("from") or "", payload.get("to") or ""
    for jid in (sender, to):
        if jid.endswith("@g.us"):
            return normalize_jid(jid)
    if sender == "status@broadcast":
        return sender
    me = normalize_jid(me_id) if me_id else None
    if payload.get("fromMe") and to and normalize_jid(to) != me:
        return normalize_jid(to)
    return normalize_jid(sender)


def _alt_phone(data):
    """The phone an engine attached to an @lid message, when it did."""
    if not isinstance(data, dict):
        return None
    candidates = []
    key = data.get("key")
    if isinstance(key, dict):
        candidates += [key.get("remoteJidAlt"), key.get("participantAlt")]
    info = data.get("Info")
    if isinstance(info, dict):
        candidates += [info.get("ChatAlt"), info.get("SenderAlt"), info.get("RecipientAlt")]
    for jid in candidates:
        phone = phone_of_chat_id(normalize_jid(jid)) if jid else None
        if phone:
            return phone
    return None


# Characters a WhatsApp user may put in their name that would rearrange or hide text on our pages and
# in exports: controls, bidi overrides/isolates, zero-width joiners used to fake spaces.
_INVISIBLE = dict.fromkeys(
    [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), 0x200B, 0x200E, 0x200F, *range(0x202A, 0x202F),
     *range(0x2066, 0x206A), 0xFEFF], None)
_LINE_BREAKS = dict.fromkeys(range(0x09, 0x0E), " ")  # tab, newlines: a space, not glued words
MAX_DISPLAY_NAME = 80


def clean_display_name(value):
    """A customer's WhatsApp name as we store it: no control or direction characters, one line, capped."""
    text = str(value or "").translate(_LINE_BREAKS).translate(_INVISIBLE)
    return " ".join(text.split())[:MAX_DISPLAY_NAME]


def clean_file_name(value):
    """The name a customer gave a file, for showing and downloading only: no path, no controls."""
    name = str(value or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = clean_display_name(name).strip(". ")
    return name[:200]


def _media_type(mimetype):
    main = (mimetype or "").split("/", 1)[0]
    if main == "image":
        # An SVG is an "image" that can carry scripts: it is kept and offered as a file, never shown.
        return "image" if shown_inline(mimetype) else "document"
    return main if main in ("video", "audio") else "document"


def read_message(envelope):
    """The engine-neutral message in a `message`/`message.any` envelope, or None when it has no id."""
    payload = envelope.get("payload") or {}
    waha_id = serialized_id_of(payload)
    if not waha_id:
        return None
    try:
        short_id = short_id_of(waha_id)
    except ValueError:
        return None
    me_id = (envelope.get("me") or {}).get("id")
    jid = chat_jid_of(payload, me_id)
    if not jid:
        return None
    media = payload.get("media") or {}
    data = payload.get("_data") or {}
    seconds = payload.get("timestamp")
    try:
        when = datetime.datetime.fromtimestamp(int(seconds), datetime.UTC) if seconds else timezone.now()
    except (TypeError, ValueError, OverflowError):
        when = timezone.now()
    push_name = ""
    if isinstance(data, dict):
        push_name = data.get("pushName") or data.get("notifyName") or (data.get("Info") or {}).get("PushName") or ""
    return IncomingMessage(
        waha_id=waha_id, short_id=short_id, chat_jid=jid, kind=_kind(jid), from_me=bool(payload.get("fromMe")),
        source=payload.get("source") or "app", text=payload.get("body") or "", timestamp=when,
        push_name=clean_display_name(push_name), has_media=bool(payload.get("hasMedia")),
        media_url=(media.get("url") or payload.get("mediaUrl") or "") if isinstance(media, dict) else "",
        media_mimetype=(media.get("mimetype") or "") if isinstance(media, dict) else "",
        media_filename=clean_file_name(media.get("filename")) if isinstance(media, dict) else "",
        alt_phone=_alt_phone(data),
    )


def media_type_of(mimetype):
    return _media_type(mimetype)
