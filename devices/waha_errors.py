"""Every way a WAHA call fails, as one ``WahaError`` family, and how an HTTP answer or a requests error maps to it.

``is_transient`` tells a task whether a retry can help; ``WahaOutcomeUnknown`` says the request may have reached
WhatsApp (a send that must not be repeated); ``WahaLimited`` carries WhatsApp's limit signal (463, rate-overlimit).
"""
from __future__ import annotations

import re

import requests
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from config.redact import redact


class WahaError(Exception):
    """A WAHA call failed. ``waha_message`` is WAHA's own words; ``body`` the parsed error body."""

    transient = False

    def __init__(self, waha_message, *, session=None, status_code=None, body=None):
        # Tenants read these words (a message's or a recipient's error, API answers): no internal
        # addresses in them. The raw text stays in ``detail`` for operators' logs.
        self.detail = waha_message
        waha_message = redact(waha_message)
        super().__init__(waha_message)
        self.waha_message = waha_message
        self.session = session
        self.status_code = status_code
        self.body = body

    @property
    def is_transient(self) -> bool:
        """True when the same call may succeed later (network, 5xx, session still starting)."""
        return self.transient

    def __str__(self):
        where = f"WAHA session '{self.session}'" if self.session else "WAHA"
        return f"{where}: {self.waha_message}"


class WahaUnavailable(WahaError):
    """Network error, timeout or 5xx: WAHA or its engine is down or overloaded."""

    transient = True


class WahaOutcomeUnknown(WahaError):
    """A send left for WAHA and no answer says what became of it: a read timeout, a reset connection, or a
    5xx / 429 after the request arrived. WhatsApp may have taken it, so it must not be sent again (that
    would message the person twice): the caller leaves the row in flight for ``message.any`` and the
    reaper to settle. Only failures that prove the request never arrived are ``WahaUnavailable``."""


class WahaSessionNotReady(WahaError):
    """422 "Session status is not as expected": the session is not WORKING (yet)."""

    transient = True

    @property
    def status(self):
        return (self.body or {}).get("status")


class WahaNotFound(WahaError):
    """404, or the 422 "Session … does not exist" body."""


class WahaSessionMissing(WahaNotFound):
    """"Session … does not exist": the server lost the session (a reset, another volume). Nothing was sent
    and nothing is known about the number: the device is disconnected, not the recipient unreachable."""

    transient = True


class WahaAuthError(WahaError):
    """401/403: wrong API key, or a session-scoped key used on another session."""


class WahaBadRequest(WahaError):
    """400 or any other 422: the request itself is wrong; retrying will not help."""


class WahaNotImplemented(WahaError):
    """501: the server's engine lacks this feature (e.g. new-message-id on WEBJS)."""


class WahaLimited(WahaError):
    """WhatsApp refused the call because of a limit on the account (API.md §8), so nothing was sent:

    - ``signal == "timelock"``: code 463, the reach-out timelock (no messages to new contacts for a while);
    - ``signal == "rate_overlimit"``: WhatsApp's ``rate-overlimit`` (too many calls, often metadata ones).

    Every engine reports these as an engine failure (500, or the 429 some proxies make of it) whose words
    carry the code; the client recognises them by those words. Transient: the same call may pass later, and
    another number may send the message meanwhile. ``devices.health`` records each one."""

    transient = True

    def __init__(self, waha_message, *, signal, **kwargs):
        super().__init__(waha_message, **kwargs)
        self.signal = signal


# 463 is WhatsApp's "reachout timelocked" nack (whatsmeow: "server returned error 463"; Baileys and
# whatsapp-web.js carry the number in their error text); rate-overlimit is named alike by all three.
_TIMELOCK_RE = re.compile(r"(?<!\d)463(?!\d)|reach-?out ?time-?lock", re.IGNORECASE)
_OVERLIMIT_RE = re.compile(r"rate[- _]?overlimit", re.IGNORECASE)


def limit_signal(status: int | None, message: str) -> str | None:
    """"timelock", "rate_overlimit" or None for a WAHA error's status and words."""
    if status == 463 or _TIMELOCK_RE.search(message or ""):
        return "timelock"
    if _OVERLIMIT_RE.search(message or ""):
        return "rate_overlimit"
    return None


def _waha_message(body, fallback: str) -> str:
    """What WAHA said, from any of its error body shapes (API.md §1)."""
    if not isinstance(body, dict):
        return (body or fallback).strip()[:300] if isinstance(body, str) else fallback
    message = body.get("message")
    if isinstance(message, list) and message:
        return "; ".join(str(m) for m in message)
    if isinstance(message, str) and message:
        return message
    exception = body.get("exception")
    if isinstance(exception, dict) and exception.get("message"):
        return str(exception["message"])
    error = body.get("error")
    if isinstance(error, str) and error:
        if "status" in body and "expected" in body:
            # "Session status is not as expected. Try again later…" → keep the fact, add the states.
            expected = body["expected"]
            expected = ", ".join(expected) if isinstance(expected, list) else expected
            return f"{error.split('. ')[0]} ({body['status']}, expected {expected})"
        return error
    return fallback


def _session_missing(message, error_text) -> bool:
    said = f"{message} {error_text if isinstance(error_text, str) else ''}".lower()
    return "session" in said and ("does not exist" in said or "not found" in said)


def never_arrived(exc) -> bool:
    """True when a requests error proves the request was never delivered (refused, DNS, connect timeout)."""
    seen, current = set(), exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, (requests.ConnectTimeout, NewConnectionError, ConnectTimeoutError)):
            return True
        reason = getattr(current, "reason", None)
        if isinstance(reason, (NewConnectionError, ConnectTimeoutError)):
            return True
        current = (current.args[0] if current.args and isinstance(current.args[0], BaseException)
                   else current.__cause__ or current.__context__)
    return False


def error_for(status: int, body, session) -> WahaError:
    message = _waha_message(body, f"HTTP {status}")
    kwargs = {
        "session": session or (body.get("session") if isinstance(body, dict) else None),
        "status_code": status,
        "body": body,
    }
    error_text = body.get("error", "") if isinstance(body, dict) else ""
    signal = limit_signal(status, message) if status >= 429 else None
    if signal:
        return WahaLimited(message, signal=signal, **kwargs)
    if status in (401, 403):
        return WahaAuthError(message, **kwargs)
    if status == 404:
        return WahaNotFound(message, **kwargs)
    if status == 422 and isinstance(error_text, str) and "status is not as expected" in error_text:
        return WahaSessionNotReady(message, **kwargs)
    if status in (404, 422) and _session_missing(message, error_text):
        return WahaSessionMissing(message, **kwargs)
    if status == 501:
        return WahaNotImplemented(message, **kwargs)
    if status >= 500 or status == 429:
        return WahaUnavailable(message, **kwargs)
    if status in (400, 422):
        return WahaBadRequest(message, **kwargs)
    return WahaError(message, **kwargs)
