"""Online payment gateways behind one seam: Midtrans Snap (the real one) and a local fake of it for sandbox and tests.

Why Midtrans Snap: one hosted page takes QRIS, GoPay/ShopeePay, every bank's virtual account and cards, and
each HTTP notification carries its own signature, SHA512(order_id + status_code + gross_amount + server key),
so a forged or altered notification is refused by the notification alone (Xendit's callback token is one
static header shared by every callback). The fake speaks the same notification format, signed with a key of
its own, so the code that activates a plan is the same in tests, in sandbox mode and in production.

A gateway does two things: `checkout(attempt, ...)` opens a payment and returns where to send the customer;
`parse(payload)` checks a notification's signature and says what it means (`Notification`). What a
notification does to the ledger is `billing.checkout`'s business, never the gateway's.
"""
import dataclasses
import hashlib
import hmac
import logging
from decimal import Decimal, InvalidOperation

import requests
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.errors import UserError

from .models import PaymentAttempt

logger = logging.getLogger(__name__)
Status = PaymentAttempt.Status


class GatewayUnavailable(UserError):
    code = "payment_gateway_unavailable"
    status_code = 502


class BadNotification(Exception):
    """A notification that is not the gateway's (bad signature) or not readable; it changes nothing."""


@dataclasses.dataclass
class Checkout:
    redirect_url: str
    token: str = ""


@dataclasses.dataclass
class Notification:
    order_id: str
    # Our reading of it: PAID, PENDING, EXPIRED, FAILED, REFUNDED; None = nothing to do (e.g. a partial refund).
    status: str | None
    gateway_status: str
    amount: int | None  # whole rupiah, None when the amount had cents (never an invoice's amount)
    payment_type: str = ""


# Midtrans transaction_status -> our status (https://docs.midtrans.com, "Transaction Status"). "capture" is a card
# payment, final only when the fraud check accepted it.
MIDTRANS_STATUS = {
    "settlement": Status.PAID, "pending": Status.PENDING, "deny": Status.FAILED, "failure": Status.FAILED,
    "cancel": Status.EXPIRED, "expire": Status.EXPIRED, "refund": Status.REFUNDED, "partial_refund": None,
    "authorize": Status.PENDING,
}


def _whole_rupiah(value):
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return int(amount) if amount == amount.to_integral_value() and amount >= 0 else None


class Midtrans:
    """Midtrans Snap, redirect mode: POST /snap/v1/transactions with the server key as Basic auth user."""

    code = "midtrans"
    name = gettext_lazy("Online payment (QRIS, e-wallet, virtual account, card)")

    def server_key(self):
        return settings.MIDTRANS_SERVER_KEY

    def snap_url(self):
        host = "https://app.midtrans.com" if settings.MIDTRANS_PRODUCTION else "https://app.sandbox.midtrans.com"
        return f"{host}/snap/v1/transactions"

    def checkout(self, attempt, *, finish_url, email=""):
        line = attempt.subscription
        body = {
            "transaction_details": {"order_id": attempt.order_id, "gross_amount": attempt.amount},
            "item_details": [{"id": line.package.code[:50], "price": attempt.amount, "quantity": 1,
                              "name": f"Sebar {line.package.name} x{line.months}"[:50]}],
            "customer_details": {"first_name": line.workspace.name[:50], **({"email": email} if email else {})},
            "callbacks": {"finish": finish_url},
        }
        try:
            response = requests.post(self.snap_url(), json=body, auth=(self.server_key(), ""), timeout=15,
                                     headers={"Accept": "application/json"})
            data = response.json() if response.content else {}
        except (requests.RequestException, ValueError) as exc:
            logger.warning("Midtrans checkout for %s failed: %s", attempt.order_id, type(exc).__name__)
            raise GatewayUnavailable(_("The payment page could not be opened. Try again in a minute, or pay by "
                                       "bank transfer below.")) from exc
        if response.status_code != 201 or not data.get("redirect_url"):
            logger.warning("Midtrans refused checkout %s: %s %s", attempt.order_id, response.status_code,
                           data.get("error_messages"))
            raise GatewayUnavailable(_("The payment gateway refused this payment. Try again in a minute, or pay "
                                       "by bank transfer below."))
        return Checkout(redirect_url=data["redirect_url"], token=data.get("token", ""))

    def signature(self, order_id, status_code, gross_amount):
        text = f"{order_id}{status_code}{gross_amount}{self.server_key()}"
        return hashlib.sha512(text.encode()).hexdigest()

    def parse(self, payload):
        """The notification's meaning; BadNotification when it is not signed with our server key."""
        if not isinstance(payload, dict):
            raise BadNotification("not a JSON object")
        fields = [str(payload.get(k, "")) for k in ("order_id", "status_code", "gross_amount")]
        given = str(payload.get("signature_key", ""))
        if not all(fields) or not given or not self.server_key():
            raise BadNotification("order_id, status_code, gross_amount or signature_key missing")
        if not hmac.compare_digest(self.signature(*fields).encode(), given.encode()):
            raise BadNotification("signature_key does not match")
        gateway_status = str(payload.get("transaction_status", ""))[:30]
        status = MIDTRANS_STATUS.get(gateway_status)
        if gateway_status == "capture":
            fraud = payload.get("fraud_status", "accept")
            status = Status.PAID if fraud == "accept" else Status.FAILED if fraud == "deny" else Status.PENDING
        return Notification(order_id=fields[0], status=status, gateway_status=gateway_status,
                            amount=_whole_rupiah(fields[2]), payment_type=str(payload.get("payment_type", ""))[:40])


class FakeGateway(Midtrans):
    """Sandbox and tests: a local page (billing:fake-gateway) plays Midtrans's, and "pays" by building the
    notification Midtrans would send, signed with a key derived from SECRET_KEY, through the same `parse`."""

    code = "fake"
    name = gettext_lazy("Online payment (sandbox: no money moves)")

    def server_key(self):
        return hmac.new(settings.SECRET_KEY.encode(), b"sebar-fake-gateway", hashlib.sha256).hexdigest()

    def checkout(self, attempt, *, finish_url, email=""):
        return Checkout(redirect_url=reverse("billing:fake-gateway", args=[attempt.order_id]))

    def notification(self, attempt, transaction_status, *, amount=None):
        """The notification Midtrans would send for `attempt` (what the fake page posts to itself)."""
        gross = f"{attempt.amount if amount is None else amount}.00"
        status_code = {"settlement": "200", "pending": "201"}.get(transaction_status, "202")
        return {"order_id": attempt.order_id, "status_code": status_code, "gross_amount": gross,
                "transaction_status": transaction_status, "payment_type": "qris", "fraud_status": "accept",
                "signature_key": self.signature(attempt.order_id, status_code, gross)}


GATEWAYS = {gateway.code: gateway for gateway in (Midtrans(), FakeGateway())}


def active_gateway():
    """The gateway customers pay through on this server (settings.BILLING_GATEWAY), or None when it is off."""
    return GATEWAYS.get(settings.BILLING_GATEWAY)


def gateway_named(code):
    try:
        return GATEWAYS[code]
    except KeyError:
        raise LookupError(f"No payment gateway {code!r}; known: {sorted(GATEWAYS)}") from None
