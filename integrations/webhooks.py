"""Outbound webhooks: the workspace's endpoints, the events they hear, and each delivery's life.

An event (common.events.emit, after its transaction commits) becomes one WebhookDelivery row per endpoint
of the workspace that chose it, with the exact JSON body, then a Celery task on the `hooks` queue posts it.
The row is the truth, the task only a start: `webhook_deliveries_sweep` (beat) queues again what is due
(a retry's time, a lost task, a worker killed mid-post), so delivery is at least once; receivers
de-duplicate on the body's `id` (the same for every endpoint and every retry of an event).

Signing, as Stripe does: header `Sebar-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" under
the endpoint's secret>`. A receiver recomputes it and refuses a `t` more than a few minutes old (replays).

Retries: after a non-2xx answer, a timeout or a refused connection, the next attempt waits 30 s, then doubles
up to an hour, for about a day (RETRY_SCHEDULE); then the delivery is FAILED. An endpoint whose every
delivery failed for WEBHOOK_DISABLE_AFTER_DAYS is switched off and its owner told by e-mail. A receiver has
WEBHOOK_TIMEOUT_SECONDS to answer; at most IN_FLIGHT_PER_ENDPOINT of an endpoint's deliveries are posted at
once, so a slow receiver occupies a few worker threads, never the queue: its other deliveries wait in their
rows, and the task that finished a post goes on with the endpoint's next one, while other endpoints' go on.
"""
import hashlib
import hmac
import json
import logging
import secrets
import time
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Membership
from accounts.tenancy import get_for_workspace_or_404
from audit.services import audit_record
from config import outbound, queue
from config.errors import UserError

from .models import WebhookDelivery, WebhookEndpoint
from .subscriptions import events_of

log = logging.getLogger(__name__)

DELIVER_TASK = "integrations.tasks.webhook_deliver_task"
EVENTS = {
    "message.received": gettext_lazy("A customer wrote to one of your numbers"),
    "message.status": gettext_lazy("A broadcast message was sent, delivered, read or failed"),
    "chat.assigned": gettext_lazy("A chat was assigned to an agent"),
    "chat.handoff": gettext_lazy("The assistant handed a chat to a human"),
    "chat.resolved": gettext_lazy("A chat was marked resolved"),
    "chat.rated": gettext_lazy("A customer answered the rating question (1 to 5)"),
    "contact.created": gettext_lazy("A contact was added"),
    "contact.opted_out": gettext_lazy("A contact opted out"),
    "campaign.started": gettext_lazy("A broadcast started sending"),
    "campaign.completed": gettext_lazy("A broadcast finished"),
    "device.status": gettext_lazy("A number connected, disconnected or needs a new QR scan"),
    "flow.webhook": gettext_lazy("A chatbot flow reached a webhook step: the customer's answers so far"),
    "flow.ended": gettext_lazy("A chat left a chatbot flow (finished, handed to a person or timed out)"),
    "webhook.test": gettext_lazy("A test event you sent from Settings"),
}
# Seconds before attempt n+1 (n = attempts so far): 30 s doubling to an hour, about 25 hours in all.
RETRY_SCHEDULE = [30, 60, 120, 240, 480, 960, 1920] + [3600] * 23
CLAIM_LEASE = timedelta(minutes=2)  # a SENDING row older than this lost its worker: the sweep takes it back
IN_FLIGHT_PER_ENDPOINT = 2
INLINE_MAX, INLINE_SECONDS = 50, 5.0  # posts one task makes for its endpoint before handing over to the queue
EXCERPT = 300


class WebhookInvalid(UserError):
    code = "webhook_invalid"


# ---------------------------------------------------------------- endpoints


def _events_checked(events):
    events = sorted(set(events or []))
    unknown = [e for e in events if e not in EVENTS or e == "webhook.test"]
    if not events or unknown:
        raise WebhookInvalid(_("Choose at least one event: %(events)s.")
                             % {"events": ", ".join(e for e in EVENTS if e != "webhook.test")},
                             fields={"events": _("Choose at least one known event.")})
    return events


def endpoint_create(*, workspace, actor, url, events, description=""):
    """A new endpoint; returns it (its secret is on it, to show once)."""
    outbound.check_url(url, field="url")
    endpoint = WebhookEndpoint(workspace=workspace, created_by=actor, url=url, events=_events_checked(events),
                               description=(description or "").strip()[:120],
                               secret="whsec_" + secrets.token_urlsafe(32))
    endpoint.full_clean(exclude=["secret"])
    with transaction.atomic():
        endpoint.save()
        audit_record(action="webhook.created", workspace=workspace, actor=actor, target=_audit_target(endpoint),
                     events=endpoint.events)
    return endpoint


def _audit_target(endpoint):
    # Host and path only: a receiver's URL may carry a token in its query or user part.
    parts = urlsplit(endpoint.url)
    return f"{parts.hostname or ''}{parts.path}"


def endpoint_update(*, workspace, endpoint_id, url=None, events=None, description=None, is_active=None):
    endpoint = get_for_workspace_or_404(workspace, WebhookEndpoint, pk=endpoint_id)
    before = {name: getattr(endpoint, name) for name in ("url", "events", "description", "is_active")}
    if url is not None:
        endpoint.url = outbound.check_url(url, field="url")
    if events is not None:
        endpoint.events = _events_checked(events)
    if description is not None:
        endpoint.description = description.strip()[:120]
    if is_active is not None:
        endpoint.is_active = bool(is_active)
        if endpoint.is_active:  # switched on again by the owner: a fresh start
            endpoint.failing_since, endpoint.disabled_reason = None, ""
    endpoint.full_clean(exclude=["secret"])
    changed = sorted(name for name, value in before.items() if getattr(endpoint, name) != value)
    with transaction.atomic():
        endpoint.save()
        if changed:
            audit_record(action="webhook.changed", workspace=workspace, target=_audit_target(endpoint), fields=changed)
    return endpoint


def endpoint_delete(*, workspace, endpoint_id):
    endpoint = get_for_workspace_or_404(workspace, WebhookEndpoint, pk=endpoint_id)
    with transaction.atomic():
        audit_record(action="webhook.deleted", workspace=workspace, target=_audit_target(endpoint))
        endpoint.delete()


def endpoint_test(*, workspace, endpoint_id):
    """Queue a `webhook.test` event to this one endpoint (active or not): the owner sees it in the log."""
    endpoint = get_for_workspace_or_404(workspace, WebhookEndpoint, pk=endpoint_id)
    return _deliveries_create([endpoint], "webhook.test", {"message": "Hello from Sebar"})[0]


def redeliver(*, workspace, delivery_id):
    """Send a delivery again now, whatever it ended as (the same body and event id)."""
    delivery = get_for_workspace_or_404(workspace, WebhookDelivery, pk=delivery_id)
    WebhookDelivery.objects.filter(pk=delivery.pk).exclude(status=WebhookDelivery.Status.SENDING).update(
        status=WebhookDelivery.Status.PENDING, next_attempt_at=timezone.now())
    queue.enqueue_on_commit(DELIVER_TASK, delivery.pk)
    return delivery


# ---------------------------------------------------------------- events → deliveries


def _body(event_id, name, workspace_id, data, now):
    return json.dumps({"id": event_id, "event": name, "created": int(now.timestamp()),
                       "workspace": str(workspace_id), "data": data}, separators=(",", ":"), sort_keys=True,
                      default=str)


def _deliveries_create(endpoints, name, data):
    now = timezone.now()
    event_id = "evt_" + uuid.uuid4().hex
    rows = [WebhookDelivery(workspace_id=e.workspace_id, endpoint=e, event_id=event_id, event=name,
                            body=_body(event_id, name, e.workspace_id, data, now), next_attempt_at=now)
            for e in endpoints]
    # An endpoint already draining a backlog (older rows waiting) takes the new row in turn: the task posting
    # its deliveries goes on with the next due one. Queuing a task per row there would only add broker work
    # and tasks that find the endpoint busy. Should that task have just ended, the sweep starts the row.
    backlogged = set(WebhookDelivery.objects.filter(endpoint__in=endpoints, status=WebhookDelivery.Status.PENDING,
                                                    next_attempt_at__lte=now)
                     .order_by().values_list("endpoint_id", flat=True).distinct())
    rows = WebhookDelivery.objects.bulk_create(rows)
    if any(r.pk is None for r in rows):  # MySQL's bulk_create returns no ids: read them back
        rows = list(WebhookDelivery.objects.filter(event_id=event_id))
    for row in rows:
        if row.endpoint_id not in backlogged:
            queue.enqueue_on_commit(DELIVER_TASK, row.pk)
    return rows


def event_received(*, name, workspace_id, data, **kwargs):
    """common.events' receiver: one delivery per active endpoint of the workspace that chose `name`."""
    if name not in events_of(workspace_id):
        return
    endpoints = [e for e in WebhookEndpoint.objects.filter(workspace_id=workspace_id, is_active=True)
                 if name in e.events]
    if endpoints:
        _deliveries_create(endpoints, name, data)


# ---------------------------------------------------------------- one delivery


def signature(secret, timestamp, body):
    digest = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def _claim(delivery_id, now):
    """Take the row for this attempt (one UPDATE: a second task for it gets nothing), unless its endpoint
    already has IN_FLIGHT_PER_ENDPOINT posts under way."""
    row = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if row is None or row.status != WebhookDelivery.Status.PENDING or row.next_attempt_at > now:
        return None, False
    busy = WebhookDelivery.objects.filter(endpoint_id=row.endpoint_id, status=WebhookDelivery.Status.SENDING,
                                          claimed_at__gt=now - CLAIM_LEASE).count()
    if busy >= IN_FLIGHT_PER_ENDPOINT:
        return row, True
    won = WebhookDelivery.objects.filter(pk=row.pk, status=WebhookDelivery.Status.PENDING,
                                         next_attempt_at__lte=now).update(
        status=WebhookDelivery.Status.SENDING, claimed_at=now, attempts=row.attempts + 1)
    return (row, False) if won else (None, False)


def _post(endpoint, event, body, session=None):
    """(status code or None, excerpt): None when no answer came (refused, timeout, a private address)."""
    timestamp = int(time.time())
    headers = {"Content-Type": "application/json", "User-Agent": "Sebar-Webhooks/1",
               "Sebar-Signature": signature(endpoint.secret, timestamp, body),
               "Sebar-Event": event}
    try:
        outbound.check_url(endpoint.url, field="url")
        response = (session or outbound.requests_session()).post(
            endpoint.url, data=body.encode(), headers=headers, allow_redirects=False,
            timeout=(min(5.0, settings.WEBHOOK_TIMEOUT_SECONDS), settings.WEBHOOK_TIMEOUT_SECONDS))
    except UserError as exc:
        return None, exc.message[:EXCERPT]
    except requests.RequestException as exc:
        return None, f"{type(exc).__name__}: {exc}"[:EXCERPT]
    return response.status_code, response.text[:EXCERPT]


def delivery_attempt(delivery_id, *, session=None):
    """Post one delivery if it is due and free, then the endpoint's next waiting ones in the same task (up to
    INLINE_MAX or INLINE_SECONDS, then through the queue): a backlog drains without a queue round trip per
    post, over one kept-alive connection. Returns what happened to the first ("delivered", "retry",
    "failed", "busy", "skip"). Safe to run twice: only the task that claimed a row posts it."""
    started = time.monotonic()
    session = session or outbound.requests_session()
    outcome, endpoint_id = _attempt_one(delivery_id, session)
    first, runs = outcome, 1
    while endpoint_id is not None and outcome in ("delivered", "retry", "failed"):
        following = _next_due(endpoint_id, timezone.now())
        if following is None:
            break
        if runs >= INLINE_MAX or time.monotonic() - started > INLINE_SECONDS:
            queue.enqueue(DELIVER_TASK, following)
            break
        outcome, endpoint_id = _attempt_one(following, session)
        runs += 1
    return first


def _attempt_one(delivery_id, session):
    now = timezone.now()
    row, busy = _claim(delivery_id, now)
    if busy:
        # Its turn comes when one of the endpoint's posts is over (the loop above), or at the next sweep: a
        # backlog of a slow endpoint waits in its rows, never as tasks polling the queue.
        return "busy", None
    if row is None:
        return "skip", None
    code, excerpt = _post(row.endpoint, row.event, row.body, session)
    done = timezone.now()
    mine = WebhookDelivery.objects.filter(pk=row.pk, status=WebhookDelivery.Status.SENDING)
    if code is not None and 200 <= code < 300:
        mine.update(status=WebhookDelivery.Status.DELIVERED, delivered_at=done, response_code=code,
                    response_excerpt=excerpt)
        if row.endpoint.failing_since is not None:
            WebhookEndpoint.objects.filter(pk=row.endpoint_id).update(failing_since=None)
        return "delivered", row.endpoint_id
    attempts = row.attempts + 1
    if attempts > len(RETRY_SCHEDULE):
        mine.update(status=WebhookDelivery.Status.FAILED, response_code=code, response_excerpt=excerpt)
        outcome = "failed"
    else:
        mine.update(status=WebhookDelivery.Status.PENDING, response_code=code, response_excerpt=excerpt,
                    next_attempt_at=done + timedelta(seconds=RETRY_SCHEDULE[attempts - 1]))
        queue.enqueue(DELIVER_TASK, row.pk, countdown=RETRY_SCHEDULE[attempts - 1])
        outcome = "retry"
    _failing(row.endpoint, done)
    return outcome, row.endpoint_id


def _next_due(endpoint_id, now):
    """The endpoint's oldest waiting delivery that is due: each endpoint drains its own backlog at its own pace
    (at most IN_FLIGHT_PER_ENDPOINT at once), whatever the others do."""
    return (WebhookDelivery.objects.filter(endpoint_id=endpoint_id, status=WebhookDelivery.Status.PENDING,
                                           next_attempt_at__lte=now)
            .order_by("next_attempt_at", "pk").values_list("pk", flat=True).first())


def _failing(endpoint, now):
    """Note the endpoint is failing; switch it off once it has failed every delivery for days."""
    WebhookEndpoint.objects.filter(pk=endpoint.pk, failing_since=None).update(failing_since=now)
    limit = now - timedelta(days=settings.WEBHOOK_DISABLE_AFTER_DAYS)
    off = WebhookEndpoint.objects.filter(pk=endpoint.pk, is_active=True, failing_since__lte=limit).update(
        is_active=False, disabled_reason=_("Every delivery failed for %(days)s days.")
        % {"days": f"{settings.WEBHOOK_DISABLE_AFTER_DAYS:g}"})
    if off:
        _tell_owner(endpoint)


def _tell_owner(endpoint):
    owners = list(Membership.objects.filter(workspace_id=endpoint.workspace_id, role=Membership.Role.OWNER)
                  .values_list("user__email", flat=True))
    if not owners:
        return
    send_mail(_("Sebar switched off a webhook endpoint"),
              _("Every delivery to %(url)s failed for %(days)s days, so Sebar stopped sending to it. Fix the "
                "receiver, then switch the endpoint on again in Settings → Webhooks; nothing is lost: the "
                "deliveries are listed there and can be sent again.")
              % {"url": endpoint.url, "days": f"{settings.WEBHOOK_DISABLE_AFTER_DAYS:g}"},
              None, owners, fail_silently=True)


def webhook_deliveries_sweep(*, now=None, limit=500):
    """Beat: take back rows whose worker died mid-post, then start each endpoint that has due deliveries (a
    retry's time came, a lost task, a row added while its backlog drained) with as many tasks as it has free
    posts; each task goes on through the endpoint's backlog. Returns how many were queued."""
    now = now or timezone.now()
    WebhookDelivery.objects.filter(status=WebhookDelivery.Status.SENDING, claimed_at__lte=now - CLAIM_LEASE).update(
        status=WebhookDelivery.Status.PENDING, next_attempt_at=now)
    due = WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now,
                                         endpoint__is_active=True)
    # order_by(): the model's default ordering would join the GROUP BY and the DISTINCT below.
    sending = dict(WebhookDelivery.objects.filter(status=WebhookDelivery.Status.SENDING).order_by()
                   .values_list("endpoint_id").annotate(n=Count("pk")).values_list("endpoint_id", "n"))
    start = []
    for endpoint_id in due.order_by().values_list("endpoint_id", flat=True).distinct()[:limit]:
        free = IN_FLIGHT_PER_ENDPOINT - sending.get(endpoint_id, 0)
        if free > 0:
            start += list(due.filter(endpoint_id=endpoint_id).order_by("next_attempt_at", "pk")
                          .values_list("pk", flat=True)[:free])
    return queue.enqueue_each(DELIVER_TASK, start)
