"""Billing objects of workspace A for the URL walks: one invoice carrying the marker in its note."""
from billing.models import Package, Subscription
from tests.url_walk import MARKER

PUBLIC = {"api:packages": "the pricing page's plans: public by design, no tenant data"}


def build(workspace, owner):
    line = Subscription.objects.create(
        workspace=workspace, package=Package.objects.get(code="pro"), months=1, amount=299_000,
        reference=f"INV-2026-9{workspace.pk:05d}", note=f"{MARKER} transfer", created_by=owner)
    return {"reference": line.reference}
