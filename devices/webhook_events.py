"""Receiving WAHA webhooks: find the device and its HMAC key, store the event once, process it later.

The receiver view (``webhook_views.py``) stays thin: ``webhook_verify`` → ``webhook_event_store`` →
200. ``webhook_event_process`` runs in a Celery task and hands the event to ``dispatch.py``.
"""
import hashlib
import json
import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import dispatch
from .models import Device, WebhookEvent
from .waha_webhooks import verify

log = logging.getLogger(__name__)

KEEP_PROCESSED = timedelta(days=7)
REQUEUE_AFTER = timedelta(minutes=5)


class Rejected(Exception):
    """The webhook cannot be trusted; ``reason`` goes to the log, never to the caller."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def webhook_verify(raw_body: bytes, signature: str | None):
    """(device, envelope) for a body signed with the key of the device named in its ``session``.

    Old WAHA Core servers all use the session "default", so several devices may share a name:
    the signature tells which one sent it.
    """
    if not signature:
        raise Rejected("no X-Webhook-Hmac header")
    try:
        envelope = json.loads(raw_body)
    except (ValueError, UnicodeDecodeError):
        raise Rejected("body is not JSON") from None
    if not isinstance(envelope, dict) or not isinstance(envelope.get("session"), str):
        raise Rejected("no session in the envelope")
    candidates = Device.objects.filter(session_name=envelope["session"][:54])
    device = next((d for d in candidates if verify(d.webhook_secret, raw_body, signature)), None)
    if device is None:
        if not candidates:
            raise Rejected(f"unknown session {envelope['session'][:54]!r}")
        raise Rejected(f"wrong signature for session {envelope['session'][:54]!r}")
    return device, envelope


def webhook_event_store(*, device, envelope, raw_body=b""):
    """Store a verified event and queue its processing; a duplicate (same envelope id) returns None."""
    from .tasks import webhook_event_process_task

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
            transaction.on_commit(lambda: webhook_event_process_task.delay(stored.pk))
    except IntegrityError:
        return None  # WAHA retried (or re-sent) an event we already have
    return stored


def webhook_event_process(*, event_pk):
    """Claim the event, run its handlers, record the outcome. Safe to run twice: only PENDING is claimed."""
    # processed_at holds the claim time while PROCESSING, so maintenance can tell a dead worker's event.
    claimed = WebhookEvent.objects.filter(pk=event_pk, status=WebhookEvent.Status.PENDING).update(
        status=WebhookEvent.Status.PROCESSING, processed_at=timezone.now())
    if claimed != 1:
        return None
    stored = WebhookEvent.objects.select_related("device").get(pk=event_pk)
    try:
        ran = dispatch.dispatch(device=stored.device, event=stored.envelope)
    except Exception as exc:
        # Recorded on the row and logged with the traceback; not re-raised, so one bad event does not
        # make the worker (or an eager request) fail. Operators see FAILED events in the admin.
        log.exception("WAHA event %s (%s) failed", stored.event_id, stored.event)
        outcome, error = WebhookEvent.Status.FAILED, f"{type(exc).__name__}: {exc}"[:2000]
    else:
        outcome, error = (WebhookEvent.Status.PROCESSED if ran else WebhookEvent.Status.IGNORED), ""
    WebhookEvent.objects.filter(pk=event_pk).update(status=outcome, error=error, processed_at=timezone.now())
    return outcome


def webhook_events_maintain(*, now=None):
    """Delete old processed/ignored events; requeue PENDING ones whose queue message was lost and
    PROCESSING ones whose worker died mid-way (handlers are idempotent, so running one again is safe).

    Returns (deleted, requeued).
    """
    from .tasks import webhook_event_process_task

    now = now or timezone.now()
    done = [WebhookEvent.Status.PROCESSED, WebhookEvent.Status.IGNORED]
    deleted, _ = WebhookEvent.objects.filter(status__in=done, received_at__lt=now - KEEP_PROCESSED).delete()
    WebhookEvent.objects.filter(status=WebhookEvent.Status.PROCESSING,
                                processed_at__lt=now - REQUEUE_AFTER).update(status=WebhookEvent.Status.PENDING)
    stale = list(WebhookEvent.objects.filter(status=WebhookEvent.Status.PENDING,
                                             received_at__lt=now - REQUEUE_AFTER).values_list("pk", flat=True)[:500])
    for pk in stale:
        webhook_event_process_task.delay(pk)
    return deleted, len(stale)
