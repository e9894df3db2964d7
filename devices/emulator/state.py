"""In-memory state of the WAHA emulator: sessions, messages, groups, LIDs, stored media, faults.

Everything lives in one ``EmulatorState`` guarded by one re-entrant lock; handlers and timers take
it for each change. Engine-specific JSON is not stored here, it is rendered by ``engines.py``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import secrets
import threading
import time

from devices.emulator.faults import Faults
from devices.emulator.limits import AccountLimits

STATUS_HISTORY = 10  # kept; events carry the last 3


def now_ms() -> int:
    return int(time.time() * 1000)


def new_short_id() -> str:
    """WhatsApp-web style message id (``3EB0`` + 16 hex), as WEBJS/NOWEB/GOWS all produce for sends."""
    return "3EB0" + secrets.token_hex(8).upper()


@dataclasses.dataclass
class Session:
    name: str
    config: dict
    status: str = "STOPPED"
    statuses: list = dataclasses.field(default_factory=list)
    me: dict | None = None
    # Webhooks are wired when the session starts (API.md §2); a PUT restarts to pick up changes.
    webhooks: list = dataclasses.field(default_factory=list)
    qr_value: str | None = None
    pairing_phone: str | None = None
    activity: int | None = None
    generation: int = 0  # bumped on every start/stop so a stale timer does nothing
    # WhatsApp's capping and timelock on this account (limits.py); unknown to /me until set.
    limits: AccountLimits = dataclasses.field(default_factory=AccountLimits)

    def record(self, status: str) -> None:
        self.status = status
        self.statuses.append({"status": status, "timestamp": now_ms()})
        del self.statuses[:-STATUS_HISTORY]


@dataclasses.dataclass
class Message:
    """One message in a chat, engine-neutral. ``chat_id`` is the chat as the engine names it."""

    session: str
    short_id: str
    chat_id: str  # <phone>@c.us, <lid>@lid or <id>@g.us
    from_me: bool
    sender: str  # who wrote it: me.id, the contact, or the group participant
    timestamp: int  # seconds, like WAMessage.timestamp
    kind: str = "text"  # text | image | document
    body: str | None = None
    media: dict | None = None  # {"url","mimetype","filename"}
    reply_to: str | None = None
    source: str = "app"
    ack: int = 0
    push_name: str | None = None
    alt_chat_id: str | None = None  # the phone form of an @lid chat, as NOWEB's remoteJidAlt shows

    @property
    def is_group(self) -> bool:
        return self.chat_id.endswith("@g.us")


@dataclasses.dataclass
class Participant:
    phone: str | None  # digits; None when WhatsApp hides the number
    lid: str  # digits of the @lid id
    role: str = "participant"  # participant | admin | superadmin
    hidden: bool = False  # true → participants/v2 shows the @lid id and no pn
    name: str = ""  # the person's WhatsApp display name (pushname), as the contacts API shows it

    @property
    def pn(self) -> str | None:
        return f"{self.phone}@c.us" if self.phone and not self.hidden else None

    @property
    def id(self) -> str:
        return f"{self.lid}@lid" if self.hidden or not self.phone else f"{self.phone}@c.us"


@dataclasses.dataclass
class Group:
    id: str
    subject: str
    participants: list
    owner: str | None = None
    created: int = dataclasses.field(default_factory=lambda: int(time.time()))


def lid_for_phone(phone: str) -> str:
    """A stable fake LID per phone number, so a test can predict it and restarts don't change it."""
    digest = int(hashlib.sha256(phone.encode()).hexdigest(), 16)
    return str(100_000_000_000_000 + digest % 899_999_999_999_999)


class EmulatorState:
    def __init__(self):
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)  # notified on every status change (qr waits)
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.sessions: dict[str, Session] = {}
            self.messages: dict[str, list[Message]] = {}
            self.groups: dict[str, dict[str, Group]] = {}
            self.lids: dict[str, str] = {}  # lid digits → phone digits, as WhatsApp shared them
            self.files: dict[str, tuple[str, bytes]] = {}  # url path → (mimetype, bytes)
            self.sent: list[dict] = []
            self.webhook_log: list[dict] = []
            self.faults = Faults()
            self.phones_used = 0

    def learn_lid(self, phone: str) -> str:
        """Remember the LID↔phone pair WhatsApp reveals once we talk to a number; return the LID."""
        lid = lid_for_phone(phone)
        self.lids[lid] = phone
        return lid
