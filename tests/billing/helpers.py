"""Builders for billing tests: plans by code, paid ledger lines, devices and contacts to fill a limit."""
from datetime import timedelta

from django.utils import timezone

from billing.models import Package, Subscription
from contacts.models import Contact
from devices.models import Device, WahaServer


def plan(code):
    return Package.objects.get(code=code)


def paid(workspace, code="pro", months=1, now=None, expiry=None):
    """A PAID, activated ledger line (as if an operator had marked it paid)."""
    now = now or timezone.now()
    package = plan(code)
    count = Subscription.objects.count()
    return Subscription.objects.create(
        workspace=workspace, package=package, months=months, amount=package.price * months,
        payment_status=Subscription.Status.PAID, reference=f"INV-TEST-{count + 1:06d}-{workspace.pk}",
        paid_at=now, activated_at=now, starts_at=now, expiry_date=expiry or now + timedelta(days=30 * months))


def devices(workspace, n, **fields):
    server, _ = WahaServer.objects.get_or_create(name="test", defaults={"base_url": "http://waha.test"})
    start = Device.objects.count()
    return [Device.objects.create(workspace=workspace, server=server, session_name=f"s{workspace.pk}-{start + i}",
                                  label=f"Phone {start + i}", **fields) for i in range(n)]


def contacts(workspace, n):
    start = Contact.objects.for_workspace(workspace).count()
    return Contact.objects.bulk_create(
        [Contact(workspace=workspace, phone=f"62812{start + i:08d}", name=f"C{i}") for i in range(n)])
