"""The one WAHA HTTP client: every call Sebar makes to a WAHA server goes through ``WahaClient``.

It speaks the contract in ``shared/waha/API.md`` and hides the three engines' differences (GOWS,
NOWEB, WEBJS): send responses become a ``SentMessage``, group lists become ``{"id","name","size"}``.
Every failure becomes a ``WahaError`` subclass naming the session and what WAHA said, with
``is_transient`` telling a task whether a retry can help. The client never sleeps; only GETs are
retried, quickly and at the connection level, because repeating a send would message a person twice.
"""

from __future__ import annotations

import dataclasses
import logging
from urllib.parse import quote, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from devices.waha_errors import (
    WahaAuthError,
    WahaBadRequest,
    WahaError,
    WahaLimited,
    WahaNotFound,
    WahaNotImplemented,
    WahaOutcomeUnknown,
    WahaSessionMissing,
    WahaSessionNotReady,
    WahaUnavailable,
    error_for,
    limit_signal,
    never_arrived,
)
from devices.waha_ids import chat_id_for_phone, normalize_jid, parse_message_id, serialized_id_of
from devices.waha_limits import AccountLimits, account_limits

# The error family is part of this client's interface (devices/waha_errors.py holds it): importers name it here.
__all__ = ["DEFAULT_EVENTS", "SentMessage", "WahaAuthError", "WahaBadRequest", "WahaClient", "WahaError", "WahaLimited",
           "WahaNotFound", "WahaNotImplemented", "WahaOutcomeUnknown", "WahaSessionMissing", "WahaSessionNotReady",
           "WahaUnavailable", "build_session", "limit_signal"]

log = logging.getLogger(__name__)
DEFAULT_EVENTS = ["session.status", "message", "message.any", "message.ack", "message.ack.group"]
# WAHA's own defaults, stated so a server with different env defaults still retries like this.
WEBHOOK_RETRIES = {"policy": "constant", "delaySeconds": 2, "attempts": 15}
DEFAULT_TIMEOUT = (3.05, 15)


# ---------------------------------------------------------------- transport


class _GetOnlyRetry(Retry):
    """urllib3 retries connection errors for every method; a POST /api/sendText must never go twice."""

    def increment(self, method=None, url=None, *args, **kwargs):
        if method and method.upper() not in (self.allowed_methods or ()):
            return Retry(0).increment(method, url, *args, **kwargs)  # raises at once
        return super().increment(method, url, *args, **kwargs)


def _retry_policy() -> Retry:
    # No backoff and no Retry-After: the client must never sleep; a failing GET fails fast and the
    # caller's task retry policy decides what happens next.
    return _GetOnlyRetry(
        total=2,
        connect=2,
        read=0,
        status=2,
        other=0,
        allowed_methods=frozenset({"GET"}),
        status_forcelist=(502, 503, 504),
        backoff_factor=0,
        raise_on_status=False,
        respect_retry_after_header=False,
    )


def build_session(pool_maxsize: int = 20) -> requests.Session:
    """A requests.Session with a connection pool and the GET-only retry policy."""
    http = requests.Session()
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=pool_maxsize, max_retries=_retry_policy())
    http.mount("http://", adapter)
    http.mount("https://", adapter)
    return http


# Shared by every client in the process so connections to each WAHA server are reused.
_SHARED_SESSION = build_session()


def _seg(value: str) -> str:
    """One URL path segment; ``@`` and ``/`` are encoded (API.md: URL-encode ``@`` as ``%40``)."""
    return quote(str(value), safe="")


# ---------------------------------------------------------------- results


@dataclasses.dataclass(frozen=True)
class SentMessage:
    """A send response, normalised over the engines. ``short_id`` is what acks are matched on."""

    id: str | None
    short_id: str | None
    chat_id: str
    raw: object

    @classmethod
    def from_response(cls, raw, chat_id: str) -> SentMessage:
        serialized = serialized_id_of(raw)
        if not serialized:
            # WEBJS around 2025.6.5 answered 201 with an empty body: the send happened, id unknown.
            return cls(id=None, short_id=None, chat_id=chat_id, raw=raw)
        _from_me, id_chat, short_id, _participant = parse_message_id(serialized)
        return cls(id=serialized, short_id=short_id, chat_id=id_chat or chat_id, raw=raw)


def _normalize_groups(raw) -> list[dict]:
    """``{"id","name","size"}`` from WEBJS GroupChat[], GOWS GroupInfo[] or NOWEB {id: metadata}."""
    items = list(raw.values()) if isinstance(raw, dict) else list(raw or [])
    groups = []
    for item in items:
        if not isinstance(item, dict):
            continue
        if "JID" in item:  # GOWS (whatsmeow GroupInfo, PascalCase)
            participants = item.get("Participants") or []
            groups.append(
                {
                    "id": item["JID"],
                    "name": item.get("Name") or "",
                    "size": item.get("ParticipantCount") or len(participants),
                }
            )
            continue
        meta = item.get("groupMetadata") or {}
        ident = item.get("id")
        if isinstance(ident, dict):  # WEBJS GroupChat
            ident = ident.get("_serialized")
        name = item.get("name") or item.get("subject") or meta.get("subject") or ""
        participants = meta.get("participants") or item.get("participants") or []
        size = item.get("size") or meta.get("size") or len(participants)
        groups.append({"id": ident, "name": name, "size": size})
    return groups


# ---------------------------------------------------------------- client


class WahaClient:
    """Calls one WAHA server. Method names are the interface the rest of Sebar uses."""

    def __init__(self, base_url: str, api_key: str | None, *, timeout=DEFAULT_TIMEOUT, session=None):
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout
        self.http = session or _SHARED_SESSION

    # -- plumbing

    def _request(
        self, method, path, *, session=None, json=None, params=None, accept="application/json", raw=False,
        sending=False,
    ):
        """One call. ``sending`` marks a request that makes WhatsApp send something: after it left, only a
        failure that proves it never arrived is WahaUnavailable (safe to retry); the rest is
        WahaOutcomeUnknown."""
        url = path if path.startswith(("http://", "https://")) else f"{self.base_url}{path}"
        headers = {"Accept": accept}
        if self.api_key:
            headers["X-Api-Key"] = self.api_key
        try:
            response = self.http.request(
                method, url, json=json, params=params, headers=headers, timeout=self.timeout
            )
        except requests.RequestException as exc:
            if sending and not never_arrived(exc):
                log.warning("WAHA %s %s: no answer after the send left (%s); not sending it again", method, url,
                            exc)
                raise WahaOutcomeUnknown("WAHA did not confirm the send", session=session) from exc
            return self._transport_failed(method, url, exc, session)
        if response.status_code >= 400:
            error = error_for(response.status_code, self._body(response), session)
            if sending and isinstance(error, WahaUnavailable) and response.status_code != 503:
                # A 503 is a proxy or WAHA refusing before it did anything; any other 5xx or a 429 came
                # after the request arrived, and the engine may have sent the message already.
                raise WahaOutcomeUnknown(error.waha_message, session=session,
                                         status_code=response.status_code, body=error.body) from error
            raise error
        if raw:
            return response.content
        return self._body(response)

    @staticmethod
    def _transport_failed(method, url, exc, session):
        # The exception's text names the server's address; operators get it in the log only.
        log.warning("WAHA %s %s failed: %s", method, url, exc)
        if isinstance(exc, requests.Timeout):
            raise WahaUnavailable("WAHA did not answer in time", session=session) from exc
        raise WahaUnavailable(f"cannot reach WAHA ({type(exc).__name__})", session=session) from exc

    @staticmethod
    def _body(response):
        """Parsed JSON, None for an empty body, the text when WAHA did not answer JSON."""
        if not response.content or not response.content.strip():
            return None
        try:
            return response.json()
        except ValueError:
            return response.text

    # -- sessions

    def session_create(self, name, *, webhook_url, hmac_key, events=DEFAULT_EVENTS, metadata=None):
        """Create and start a session with our webhook; an existing one is updated and started."""
        config = self._session_config(webhook_url, hmac_key, events, metadata)
        try:
            return self._request(
                "POST", "/api/sessions", session=name, json={"name": name, "start": True, "config": config}
            )
        except WahaBadRequest as exc:
            if exc.status_code != 422 or "already exists" not in (exc.waha_message or ""):
                raise
        # Re-adding a device after a crash: PUT replaces the config (restarting it if it ran).
        self._request("PUT", f"/api/sessions/{_seg(name)}", session=name, json={"config": config})
        return self.session_start(name)

    @staticmethod
    def _session_config(webhook_url, hmac_key, events, metadata):
        webhook = {"url": webhook_url, "events": list(events), "retries": dict(WEBHOOK_RETRIES)}
        if hmac_key:
            webhook["hmac"] = {"key": hmac_key}
        config = {
            "webhooks": [webhook],
            # Harmless on other engines: NOWEB lists chats/messages only with its store on, and
            # WEBJS emits acks reliably only with tag events on (API.md §2, §6).
            "noweb": {"markOnline": True, "store": {"enabled": True, "fullSync": False}},
            "webjs": {"tagsEventsOn": True},
        }
        if metadata:
            config["metadata"] = {str(k): str(v) for k, v in metadata.items()}
        return config

    def session_start(self, name):
        return self._request("POST", f"/api/sessions/{_seg(name)}/start", session=name)

    def session_stop(self, name):
        return self._request("POST", f"/api/sessions/{_seg(name)}/stop", session=name)

    def session_logout(self, name):
        return self._request("POST", f"/api/sessions/{_seg(name)}/logout", session=name)

    def session_delete(self, name):
        return self._request("DELETE", f"/api/sessions/{_seg(name)}", session=name)

    def session_get(self, name) -> dict:
        return self._request("GET", f"/api/sessions/{_seg(name)}", session=name)

    def session_list(self, all=True) -> list[dict]:  # noqa: A002 - mirrors WAHA's ?all= parameter
        return self._request("GET", "/api/sessions", params={"all": "true" if all else "false"}) or []

    def session_me(self, name) -> dict | None:
        """The logged-in account, or None while not authenticated (WAHA answers an empty body)."""
        me = self._request("GET", f"/api/sessions/{_seg(name)}/me", session=name)
        return me if isinstance(me, dict) and me else None

    def session_limits(self, name) -> AccountLimits | None:
        """WhatsApp's capping and reach-out timelock for the account (``account_limits``), or None while the
        session is not authenticated. Fields WAHA does not send are unknown (None)."""
        me = self.session_me(name)
        return None if me is None else account_limits(me)

    # -- pairing

    def qr_image(self, name) -> bytes:
        return self._request(
            "GET",
            f"/api/{_seg(name)}/auth/qr",
            session=name,
            params={"format": "image"},
            accept="image/png",
            raw=True,
        )

    def qr_raw(self, name) -> str:
        body = self._request("GET", f"/api/{_seg(name)}/auth/qr", session=name, params={"format": "raw"})
        return body["value"]

    def request_pairing_code(self, name, phone) -> str:
        digits = chat_id_for_phone(phone).split("@", 1)[0]
        body = self._request(
            "POST", f"/api/{_seg(name)}/auth/request-code", session=name, json={"phoneNumber": digits}
        )
        return body["code"]

    # -- sending (session in the body; success is 201)

    def _send(self, endpoint, session, chat_id, payload, message_id=None) -> SentMessage:
        body = {"session": session, "chatId": chat_id, **payload}
        if message_id:  # a pre-generated id (``new_message_id``; NOWEB/GOWS): the send is recognisable
            body["id"] = message_id
        raw = self._request("POST", f"/api/{endpoint}", session=session, json=body, sending=True)
        return SentMessage.from_response(raw, chat_id)

    def send_text(self, session, chat_id, text, *, reply_to=None, link_preview=True,
                  message_id=None) -> SentMessage:
        payload = {"text": text, "linkPreview": bool(link_preview)}
        if reply_to:
            payload["reply_to"] = reply_to
        return self._send("sendText", session, chat_id, payload, message_id)

    def send_image(self, session, chat_id, *, file, caption=None, message_id=None) -> SentMessage:
        return self._send("sendImage", session, chat_id, self._media_payload(file, caption), message_id)

    def send_file(self, session, chat_id, *, file, caption=None, message_id=None) -> SentMessage:
        return self._send("sendFile", session, chat_id, self._media_payload(file, caption), message_id)

    @staticmethod
    def _media_payload(file, caption):
        if (
            not isinstance(file, dict)
            or not file.get("mimetype")
            or not (file.get("url") or file.get("data"))
        ):
            raise ValueError("file needs a mimetype and either url or base64 data")
        clean = {k: file[k] for k in ("mimetype", "filename", "url", "data") if file.get(k)}
        payload = {"file": clean}
        if caption:
            payload["caption"] = caption
        return payload

    def send_seen(self, session, chat_id, message_ids=None):
        body = {"session": session, "chatId": chat_id}
        if message_ids:
            body["messageIds"] = list(message_ids)
        return self._request("POST", "/api/sendSeen", session=session, json=body)

    def start_typing(self, session, chat_id):
        return self._request(
            "POST", "/api/startTyping", session=session, json={"session": session, "chatId": chat_id}
        )

    def stop_typing(self, session, chat_id):
        return self._request(
            "POST", "/api/stopTyping", session=session, json={"session": session, "chatId": chat_id}
        )

    # -- contacts, groups, chats

    def check_exists(self, session, phone) -> tuple[bool, str | None]:
        """(on WhatsApp?, the chat id WAHA says to send to). Use that chat id: it may differ."""
        digits = chat_id_for_phone(phone).split("@", 1)[0]
        body = (
            self._request(
                "GET",
                "/api/contacts/check-exists",
                session=session,
                params={"phone": digits, "session": session},
            )
            or {}
        )
        exists = bool(body.get("numberExists"))
        return exists, (body.get("chatId") if exists else None)

    def contact_names(self, session, *, page=500, max_pages=40) -> dict[str, str]:
        """{phone digits: display name} of the contacts the account knows (GET /api/contacts/all).

        ``name`` is how the phone's owner saved the person, ``pushname`` the person's own name; either is
        better than none. Engines return the id as a string or as WEBJS's ``{_serialized}`` object."""
        names: dict[str, str] = {}
        for number in range(max_pages):
            rows = self._request("GET", "/api/contacts/all", session=session,
                                 params={"session": session, "limit": page, "offset": number * page}) or []
            if not isinstance(rows, list):
                break
            for row in rows:
                if not isinstance(row, dict):
                    continue
                ident = row.get("id")
                if isinstance(ident, dict):
                    ident = ident.get("_serialized") or ""
                ident = str(ident or "")
                if not ident.endswith("@c.us"):
                    continue
                name = str(row.get("name") or row.get("pushname") or row.get("pushName") or "").strip()
                if name:
                    names[ident.split("@", 1)[0]] = name
            if len(rows) < page:
                break
        return names

    def groups(self, session) -> list[dict]:
        raw = self._request("GET", f"/api/{_seg(session)}/groups", session=session)
        return _normalize_groups(raw)

    def group_participants(self, session, group_id) -> list[dict]:
        raw = (
            self._request(
                "GET", f"/api/{_seg(session)}/groups/{_seg(group_id)}/participants/v2", session=session
            )
            or []
        )
        return [
            {"id": p.get("id"), "pn": p.get("pn") or None, "role": p.get("role") or "participant"}
            for p in raw
            if isinstance(p, dict)
        ]

    def chats(self, session, limit=50, offset=0) -> list:
        return (
            self._request(
                "GET",
                f"/api/{_seg(session)}/chats",
                session=session,
                params={"limit": limit, "offset": offset},
            )
            or []
        )

    def chat_messages(self, session, chat_id, limit=50, offset=0, *, download_media=False) -> list[dict]:
        return (
            self._request(
                "GET",
                f"/api/{_seg(session)}/chats/{_seg(chat_id)}/messages",
                session=session,
                params={
                    "limit": limit,
                    "offset": offset,
                    "downloadMedia": "true" if download_media else "false",
                },
            )
            or []
        )

    def lid_to_phone(self, session, lid) -> str | None:
        """``123@lid`` → ``628…@c.us``, or None when WhatsApp keeps the number hidden."""
        body = self._request("GET", f"/api/{_seg(session)}/lids/{_seg(lid)}", session=session)
        pn = body.get("pn") if isinstance(body, dict) else None
        return normalize_jid(pn) if pn else None

    # -- misc

    def download_media(self, url) -> bytes:
        """Bytes behind a ``media.url``, always fetched from this client's own server.

        The URL's host is WAHA's WAHA_BASE_URL, often not how we reach it (``localhost:3000``), and a
        webhook payload could name any host: only the ``/api/files/...`` path is taken from it, so the
        API key never goes anywhere but this server."""
        parts = urlsplit(str(url or ""))
        if not parts.path.startswith("/api/files/") or ".." in parts.path.split("/"):
            raise WahaBadRequest(f"not a WAHA file URL: {parts.path[:80]!r}")
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        return self._request("GET", self.base_url + path, accept="*/*", raw=True)

    def new_message_id(self, session) -> str:
        """A pre-generated id to pass as ``id`` on a send (NOWEB/GOWS only)."""
        return self._request("GET", f"/api/{_seg(session)}/new-message-id", session=session)["id"]

    def ping(self) -> dict:
        return self._request("GET", "/ping")
