"""Signed webhook delivery, as WAHA's WebhookSender does it (API.md §6).

Each event becomes one envelope (``id, timestamp, event, session, metadata, me, payload, engine,
environment``; ``evt_<lower ULID>``; ms timestamp) posted to every webhook of the session that
subscribed to it. Deliveries run concurrently on the scheduler's pool, so, as with WAHA, there is
no ordering guarantee; any non-2xx or network error is retried per ``retries`` (delays multiplied
by ``delay_scale`` so tests stay fast).
"""

from __future__ import annotations

import json
import logging
import random
import secrets
import urllib.error
import urllib.request

import ulid

from devices.emulator.state import now_ms
from devices.waha_webhooks import sign

log = logging.getLogger(__name__)

VERSION = "2026.7.1"
# "*" means everything except these two (API.md §2).
NOT_IN_STAR = {"state.change", "engine.event"}
WEBHOOK_LOG_LIMIT = 2000


def event_id() -> str:
    return "evt_" + ulid.new().str.lower()


def environment(engine: str) -> dict:
    return {
        "version": VERSION,
        "engine": engine,
        "tier": "CORE",
        "browser": None,
        "platform": "linux/x64",
        "worker": {"id": None},
    }


def wants(webhook: dict, event: str) -> bool:
    events = webhook.get("events") or []
    return event in events or ("*" in events and event not in NOT_IN_STAR)


def retry_delay(retries: dict, attempt: int) -> float:
    """Seconds before retry number ``attempt`` (1-based), WAHA's constant/linear/exponential."""
    delay = float(retries.get("delaySeconds", 2) if retries.get("delaySeconds") is not None else 2)
    policy = retries.get("policy") or "constant"
    if policy == "linear":
        return delay * attempt
    if policy == "exponential":
        return (2**attempt) * delay * (1 + random.uniform(0, 0.2))
    return delay


class WebhookDispatcher:
    def __init__(self, state, scheduler, *, engine: str, delay_scale: float = 0.01, timeout: float = 5.0):
        self.state = state
        self.scheduler = scheduler
        self.engine = engine
        self.delay_scale = delay_scale
        self.timeout = timeout

    def emit(self, session, event: str, payload) -> dict | None:
        """Queue ``event`` for every subscribed webhook of ``session``; returns the envelope."""
        targets = [w for w in session.webhooks if wants(w, event)]
        if not targets:
            return None
        envelope = {"id": event_id(), "timestamp": now_ms(), "event": event, "session": session.name}
        metadata = (session.config or {}).get("metadata")
        if metadata:
            envelope["metadata"] = metadata
        envelope.update(
            {
                "me": session.me,
                "payload": payload,
                "engine": self.engine,
                "environment": environment(self.engine),
            }
        )
        # JSON.stringify: compact, non-ASCII left as is; the HMAC is over exactly these bytes.
        body = json.dumps(envelope, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        for webhook in targets:
            job = {
                "webhook": webhook,
                "body": body,
                "envelope": envelope,
                "attempt": 0,
                "request_id": secrets.token_hex(8),
            }
            self.scheduler.call_later(0, self._deliver, job)
        return envelope

    def _headers(self, job) -> dict:
        webhook, envelope = job["webhook"], job["envelope"]
        headers = {
            "Content-Type": "application/json",
            "User-Agent": f"WAHA/{VERSION}",
            "X-Webhook-Request-Id": job["request_id"],
            "X-Webhook-Timestamp": str(envelope["timestamp"]),
        }
        key = (webhook.get("hmac") or {}).get("key")
        if key:
            headers["X-Webhook-Hmac"] = sign(key, job["body"])
            headers["X-Webhook-Hmac-Algorithm"] = "sha512"
        for header in webhook.get("customHeaders") or []:
            headers[header["name"]] = header["value"]
        return headers

    def _deliver(self, job) -> None:
        webhook = job["webhook"]
        # S310: the URL comes from the session config, exactly as in WAHA; http(s) checked on create.
        request = urllib.request.Request(  # noqa: S310
            webhook["url"], data=job["body"], headers=self._headers(job), method="POST"
        )
        retry_after = None
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - test double
                outcome = response.status
        except urllib.error.HTTPError as exc:
            outcome = exc.code
            retry_after = exc.headers.get("Retry-After")
        except (OSError, ValueError) as exc:
            outcome = f"{type(exc).__name__}: {exc}"
        self._record(job, outcome)
        if isinstance(outcome, int) and 200 <= outcome < 300:
            return
        retries = webhook.get("retries") or {}
        attempts = int(retries.get("attempts", 15) if retries.get("attempts") is not None else 15)
        if job["attempt"] >= attempts:
            log.warning(
                "webhook %s to %s gave up after %s tries: %s",
                job["envelope"]["event"],
                webhook["url"],
                job["attempt"] + 1,
                outcome,
            )
            return
        job = {**job, "attempt": job["attempt"] + 1}
        delay = retry_delay(retries, job["attempt"])
        if retry_after and retry_after.strip().isdigit():
            delay = max(delay, float(retry_after))
        self.scheduler.call_later(delay * self.delay_scale, self._deliver, job)

    def _record(self, job, outcome) -> None:
        entry = {
            "event_id": job["envelope"]["id"],
            "event": job["envelope"]["event"],
            "session": job["envelope"]["session"],
            "url": job["webhook"]["url"],
            "attempt": job["attempt"],
            "request_id": job["request_id"],
            "outcome": outcome,
        }
        with self.state.lock:
            self.state.webhook_log.append(entry)
            del self.state.webhook_log[:-WEBHOOK_LOG_LIMIT]
