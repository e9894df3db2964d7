"""Billing objects of workspace A for the URL walks: one invoice carrying the marker in its note, and a checkout of
it at the fake gateway."""
from billing.models import Package, PaymentAttempt, Subscription
from tests.url_walk import MARKER

PUBLIC = {"api:packages": "the pricing page's plans: public by design, no tenant data",
          "billing:gateway-notify": "the payment gateway posts here; 401 unless the body carries its signature"}


def build(workspace, owner):
    line = Subscription.objects.create(
        workspace=workspace, package=Package.objects.get(code="pro"), months=1, amount=199_000,
        reference=f"INV-2026-9{workspace.pk:05d}", note=f"{MARKER} transfer", created_by=owner)
    attempt = PaymentAttempt.objects.create(workspace=workspace, subscription=line, gateway="fake",
                                            order_id=f"{line.reference}-1", amount=line.amount)
    return {"reference": line.reference, "order_id": attempt.order_id, "gateway": "fake"}
