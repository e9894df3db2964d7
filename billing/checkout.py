"""Paying an invoice online: opening a checkout at the gateway, and what its signed notifications do to the ledger.

The notification is the only thing that activates a plan (the customer's return from the gateway's page
proves nothing). Each is checked by its signature first (`gateways.*.parse`), then applied under a row lock
on the attempt, so a duplicated, repeated or late notification changes the ledger at most once:

- PAID (settlement, accepted capture) activates the invoice through `services.subscription_mark_paid`, the
  same confirmation an operator's "Mark paid" uses, which does nothing for an invoice already paid;
- EXPIRED / FAILED only close a checkout still waiting: an "expire" that arrives after the "settlement"
  changes nothing, and the invoice stays payable (by a new checkout or a bank transfer);
- REFUNDED refunds the plan if that attempt paid it; a "settlement" arriving after the refund is ignored.

An amount that is not the invoice's (to the rupiah) never activates anything.
"""
import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record

from . import services
from .gateways import BadNotification, active_gateway, gateway_named
from .models import PaymentAttempt, Subscription
from .services import BillingError

logger = logging.getLogger(__name__)
Status = PaymentAttempt.Status
# Snap's payment page lives 24 hours: an attempt younger than this is reused instead of opening another.
REUSE_FOR = timedelta(hours=23)


def payment_start(*, workspace, actor, reference):
    """Open (or reuse) a checkout for the workspace's unpaid invoice `reference`; returns the attempt."""
    gateway = active_gateway()
    if gateway is None:
        raise BillingError(_("Online payment is not available on this server. Pay by bank transfer."),
                           code="payment_gateway_off")
    now = timezone.now()
    with transaction.atomic():
        line = (Subscription.objects.for_workspace(workspace).select_for_update().select_related("package", "workspace")
                .get(reference=reference))
        if not line.is_unpaid:
            raise BillingError(_("Invoice %(ref)s is %(status)s; there is nothing to pay.") % {
                "ref": line.reference, "status": line.get_payment_status_display()}, code="invalid_transition")
        if line.amount <= 0:
            raise BillingError(_("Invoice %(ref)s has nothing to pay.") % {"ref": line.reference},
                               code="invalid_transition")
        reusable = (PaymentAttempt.objects.for_workspace(workspace)
                    .filter(subscription=line, gateway=gateway.code, status=Status.PENDING, amount=line.amount,
                            created_at__gte=now - REUSE_FOR).exclude(redirect_url="").first())
        if reusable:
            return reusable
        number = PaymentAttempt.objects.filter(subscription=line).count() + 1
        attempt = PaymentAttempt.objects.create(workspace=workspace, subscription=line, gateway=gateway.code,
                                                order_id=f"{line.reference}-{number}", amount=line.amount)
    finish_url = settings.SITE_URL + reverse("billing:invoice", args=[line.reference])
    try:
        opened = gateway.checkout(attempt, finish_url=finish_url, email=getattr(actor, "email", ""))
    except Exception:
        PaymentAttempt.objects.filter(pk=attempt.pk).update(status=Status.FAILED, gateway_status="checkout_failed",
                                                            updated_at=timezone.now())
        raise
    attempt.redirect_url = opened.redirect_url
    attempt.save(update_fields=["redirect_url"])
    return attempt


def notification_receive(*, gateway_code, payload):
    """Apply one gateway notification. Returns what it did ("paid", "duplicate", "ignored", ...).

    Raises BadNotification (after logging it and writing an audit row) when the signature does not hold."""
    gateway = gateway_named(gateway_code)
    try:
        note = gateway.parse(payload)
    except BadNotification as exc:
        order_id = str(payload.get("order_id", ""))[:50] if isinstance(payload, dict) else ""
        logger.warning("Refused a %s notification for order %r: %s", gateway_code, order_id, exc)
        audit_record(action="payment.rejected", target=f"{gateway_code} {order_id}"[:100], reason=str(exc))
        raise
    with transaction.atomic():
        attempt = (PaymentAttempt.objects.select_for_update().select_related("subscription")
                   .filter(order_id=note.order_id, gateway=gateway.code).first())
        if attempt is None:
            logger.warning("A %s notification names order %r, which Sebar never opened", gateway_code, note.order_id)
            return "unknown"
        if note.amount != attempt.amount or attempt.amount != attempt.subscription.amount:
            logger.error("The %s notification for %s says %s, the invoice %s: nothing activated", gateway_code,
                         attempt.order_id, note.amount, attempt.subscription.amount)
            audit_record(action="payment.rejected", workspace=attempt.workspace, target=attempt.order_id,
                         reason="amount", amount=str(note.amount))
            return "amount_mismatch"
        attempt.gateway_status = note.gateway_status
        attempt.payment_type = note.payment_type or attempt.payment_type
        attempt.updated_at = timezone.now()
        outcome = _apply(attempt, note.status)
        attempt.save(update_fields=["status", "gateway_status", "payment_type", "updated_at"])
    return outcome


def _apply(attempt, status):
    """Move `attempt` (locked) to `status` if that is forward from where it is, and the ledger with it."""
    current = attempt.status
    if status is None or status == current:
        return "duplicate" if status == current else "recorded"
    if status == Status.PAID:
        if current == Status.REFUNDED:
            return "ignored"  # the refund's notification came first: the money went back
        attempt.status = Status.PAID
        line = attempt.subscription
        if line.payment_status == Subscription.Status.REFUNDED:
            logger.error("Order %s settled but invoice %s was refunded: settle it by hand", attempt.order_id,
                         line.reference)
            return "ignored"
        services.subscription_mark_paid(subscription_id=line.pk, note=_("Paid online (%(how)s), order %(order)s") % {
            "how": attempt.payment_type or attempt.gateway, "order": attempt.order_id})
        Subscription.objects.filter(pk=line.pk).update(provider=attempt.gateway)
        return "paid"
    if status == Status.REFUNDED:
        attempt.status = Status.REFUNDED
        line = attempt.subscription
        if current == Status.PAID and line.payment_status == Subscription.Status.PAID:
            services.subscription_refund(subscription_id=line.pk, note=_("Refunded at the gateway, order %(order)s")
                                         % {"order": attempt.order_id})
            return "refunded"
        return "recorded"
    if current != Status.PENDING:
        return "ignored"  # pending, expired or failed after the attempt was settled or closed: late, no effect
    attempt.status = status
    if status == Status.FAILED and attempt.subscription.payment_status == Subscription.Status.PENDING:
        services.subscription_mark_failed(subscription_id=attempt.subscription_id,
                                          note=_("Online payment %(order)s failed") % {"order": attempt.order_id})
    return status.lower()


def fake_pay(*, workspace, order_id, transaction_status):
    """The fake gateway's page: build the notification Midtrans would send and receive it like a real one."""
    gateway = active_gateway()
    if gateway is None or gateway.code != "fake":
        raise BillingError(_("The sandbox payment page is off on this server."), code="sandbox_payments_off",
                           status_code=403)
    attempt = PaymentAttempt.objects.for_workspace(workspace).get(order_id=order_id, gateway="fake")
    return attempt, notification_receive(gateway_code="fake",
                                         payload=gateway.notification(attempt, transaction_status))
