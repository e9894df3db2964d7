"""Receiving WAHA webhooks: find the device and its HMAC key, store the event once, process it later.

The receiver view (``webhook_views.py``) stays thin: ``webhook_verify`` → ``webhook_event_store`` →
200. ``webhook_event_process`` runs in a Celery task and hands the event to ``dispatch.py``.

A handler that fails (a deadlock, a database restart) is retried with backoff by the task (RETRYING);
after ``MAX_ATTEMPTS`` the event is parked FAILED, where operators find it in the admin and re-run it.
The attempt count lives on the row, so a lost retry message or a dead worker cannot make it unbounded.
"""
import hashlib
import json
import logging
import re
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from config import queue

from . import dispatch
from .models import Device, WebhookEvent
from .waha_webhooks import verify

# devices.tasks imports this module, so its task is queued by its dotted path (config.queue imports it).
PROCESS_TASK = "devices.tasks.webhook_event_process_task"

log = logging.getLogger(__name__)

KEEP_PROCESSED = timedelta(days=7)
REQUEUE_AFTER = timedelta(minutes=5)
# Attempts per event (the first run and its retries); the task declares MAX_ATTEMPTS - 1 retries and
# backs off RETRY_BACKOFF, 2×, 4×… seconds, never more than RETRY_BACKOFF_MAX.
MAX_ATTEMPTS = 6
RETRY_BACKOFF = 10
RETRY_BACKOFF_MAX = 300
# A RETRYING event whose retry message was lost (Redis flushed) is re-queued once its countdown is surely over.
RETRY_LOST_AFTER = REQUEUE_AFTER + timedelta(seconds=RETRY_BACKOFF_MAX)
CLAIMABLE = [WebhookEvent.Status.PENDING, WebhookEvent.Status.RETRYING]


class EventRetry(Exception):
    """A handler failed and the event has attempts left: the task's ``autoretry_for`` schedules the next."""


class Rejected(Exception):
    """The webhook cannot be trusted; ``reason`` goes to the log, never to the caller."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


# The envelope's "session" as it appears in WAHA's JSON.stringify output. Read from the raw bytes so the
# signature is checked before any parsing (a JSON string value cannot contain an unescaped '"', so this
# only ever matches keys; a nested "session" key at worst adds a candidate the signature then rules out).
_SESSION_IN_BODY = re.compile(rb'"session"\s*:\s*"([^"\\]{1,54})"')
MAX_SESSION_CANDIDATES = 4
# WAHA's envelopes nest a few levels; MariaDB refuses JSON deeper than 32 levels, so cap below that.
MAX_JSON_DEPTH = 30


class Unreadable(Exception):
    """A correctly signed body that is not a usable JSON envelope (answered 400, not retried forever)."""


def webhook_verify(raw_body: bytes, signature: str | None):
    """(device, envelope) for a body signed with the key of the device named in its ``session``.

    The HMAC is verified on the raw bytes before the body is parsed, so an unsigned caller never makes
    the server parse anything. Old WAHA Core servers all use the session "default", so several devices
    may share a name: the signature tells which one sent it.
    """
    if not signature:
        raise Rejected("no X-Webhook-Hmac header")
    names = list(dict.fromkeys(m.decode("utf-8", "replace")
                               for m in _SESSION_IN_BODY.findall(raw_body)))[:MAX_SESSION_CANDIDATES]
    if not names:
        raise Rejected("no session in the envelope")
    candidates = list(Device.objects.filter(session_name__in=names))
    device = next((d for d in candidates if verify(d.webhook_secret, raw_body, signature)), None)
    if device is None:
        if not candidates:
            raise Rejected(f"unknown session {names[0]!r}")
        raise Rejected(f"wrong signature for session {names[0]!r}")
    try:
        envelope = json.loads(raw_body)
    except (ValueError, UnicodeDecodeError):
        raise Unreadable("body is not JSON") from None
    except RecursionError:
        raise Unreadable("body is nested too deeply") from None
    if not isinstance(envelope, dict) or envelope.get("session") != device.session_name:
        raise Unreadable("the envelope's session is not the signing device's")
    if _depth(envelope) > MAX_JSON_DEPTH:
        raise Unreadable("body is nested too deeply")
    return device, envelope


def _depth(value):
    """Nesting depth of parsed JSON, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        stack.extend((child, level + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def webhook_event_store(*, device, envelope, raw_body=b""):
    """Store a verified event and queue its processing; a duplicate (same envelope id) returns None."""
    event_id = str(envelope.get("id") or "")[:64]
    if not event_id:
        # WAHA always sends an id; a hand-made or very old body without one is still deduplicated, by
        # its exact bytes (a retry of it is byte-identical).
        event_id = "sha256:" + hashlib.sha256(raw_body).hexdigest()[:57]
    try:
        with transaction.atomic():
            stored = WebhookEvent.objects.create(workspace_id=device.workspace_id, device=device,
                                                 event_id=event_id, event=str(envelope.get("event") or "")[:40],
                                                 envelope=envelope)
            # Stored is what counts: WAHA gets its 200 even when the broker is down, and the maintenance
            # sweep below queues the PENDING event once it is back.
            queue.enqueue_on_commit(PROCESS_TASK, stored.pk)
    except IntegrityError:
        return None  # WAHA retried (or re-sent) an event we already have
    return stored


def webhook_event_process(*, event_pk, max_attempts=1):
    """Claim the event, run its handlers, record the outcome. Safe to run twice: only PENDING or RETRYING
    is claimed. A failure with attempts left is recorded RETRYING and raised as ``EventRetry``; the last
    one is recorded FAILED and not raised, so one bad event never fails the worker (or an eager request)."""
    # processed_at holds the claim time while PROCESSING, so maintenance can tell a dead worker's event.
    claimed = WebhookEvent.objects.filter(pk=event_pk, status__in=CLAIMABLE).update(
        status=WebhookEvent.Status.PROCESSING, processed_at=timezone.now(), attempts=F("attempts") + 1)
    if claimed != 1:
        return None
    stored = WebhookEvent.objects.select_related("device").get(pk=event_pk)
    try:
        ran = dispatch.dispatch(device=stored.device, event=stored.envelope)
    except Exception as exc:
        log.exception("WAHA event %s (%s) failed, attempt %s of %s", stored.event_id, stored.event,
                      stored.attempts, max_attempts)
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if stored.attempts < max_attempts:
            _record(event_pk, WebhookEvent.Status.RETRYING, error)
            raise EventRetry(error) from exc
        outcome = WebhookEvent.Status.FAILED
    else:
        outcome, error = (WebhookEvent.Status.PROCESSED if ran else WebhookEvent.Status.IGNORED), ""
    _record(event_pk, outcome, error)
    return outcome


def _record(event_pk, status, error):
    WebhookEvent.objects.filter(pk=event_pk).update(status=status, error=error, processed_at=timezone.now())


def webhook_events_rerun(*, queryset):
    """Operators' "run again" for parked (FAILED) events: a fresh set of attempts, queued after commit.
    Returns how many were queued; events in any other state are left alone (they run or ran already).
    Refused (QueueUnavailable) while the broker is down, so the operator is told instead of waiting."""
    queue.require()
    with transaction.atomic():
        pks = list(queryset.filter(status=WebhookEvent.Status.FAILED).select_for_update()
                   .values_list("pk", flat=True))
        WebhookEvent.objects.filter(pk__in=pks).update(status=WebhookEvent.Status.PENDING, attempts=0, error="")
        transaction.on_commit(lambda: queue.enqueue_each(PROCESS_TASK, pks))
    return len(pks)


def webhook_events_maintain(*, now=None):
    """Delete old processed/ignored events; requeue PENDING ones whose queue message was lost, RETRYING
    ones whose retry was lost, and PROCESSING ones whose worker died mid-way (handlers are idempotent, so
    running one again is safe) — unless that death used up its last attempt: then it is parked FAILED.

    Returns (deleted, requeued).
    """
    now = now or timezone.now()
    Status = WebhookEvent.Status
    deleted, _ = WebhookEvent.objects.filter(status__in=[Status.PROCESSED, Status.IGNORED],
                                             received_at__lt=now - KEEP_PROCESSED).delete()
    dead = WebhookEvent.objects.filter(status=Status.PROCESSING, processed_at__lt=now - REQUEUE_AFTER)
    dead.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=Status.FAILED, processed_at=now,
        error=f"The worker stopped while processing it, {MAX_ATTEMPTS} times (killed or out of memory?).")
    dead.update(status=Status.PENDING)
    lost_pending = WebhookEvent.objects.filter(status=Status.PENDING, received_at__lt=now - REQUEUE_AFTER)
    lost_retry = WebhookEvent.objects.filter(status=Status.RETRYING, processed_at__lt=now - RETRY_LOST_AFTER)
    stale = list(lost_pending.values_list("pk", flat=True)[:500]) + list(lost_retry.values_list("pk", flat=True)[:500])
    return deleted, queue.enqueue_each(PROCESS_TASK, stale)
