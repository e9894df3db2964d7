"""Choosing plans and the ledger transitions: PENDING -> PAID (-> expired), FAILED, REFUNDED."""
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from billing import services
from billing.models import Subscription
from billing.selectors import current_plan, current_subscription
from billing.services import BillingError, add_months
from tests.billing.helpers import devices, plan

pytestmark = pytest.mark.django_db


def choose(workspace, owner, code, months=1):
    return services.subscription_choose(workspace=workspace, actor=owner, package_id=plan(code).pk, months=months)


def test_choosing_pro_creates_a_pending_invoice(workspace, owner):
    line = choose(workspace, owner, "pro", months=3)
    assert line.payment_status == Subscription.Status.PENDING
    assert (line.amount, line.currency, line.months) == (597_000, "IDR", 3)
    assert re.fullmatch(r"INV-\d{4}-\d{6}", line.reference)
    assert current_plan(workspace).code == "free"  # nothing changes until it is paid
    assert choose(workspace, owner, "pro", months=3).pk == line.pk  # no duplicate invoice


def test_mark_paid_activates_and_sets_expiry(workspace, owner):
    line = choose(workspace, owner, "pro", months=1)
    now = datetime(2026, 1, 31, 10, tzinfo=UTC)
    line = services.subscription_mark_paid(subscription_id=line.pk, now=now)
    assert line.payment_status == Subscription.Status.PAID
    assert line.paid_at == line.activated_at == line.starts_at == now
    assert line.expiry_date == datetime(2026, 2, 28, 10, tzinfo=UTC)
    assert current_plan(workspace, now=now).code == "pro"
    again = services.subscription_mark_paid(subscription_id=line.pk, now=now + timedelta(days=1))
    assert again.expiry_date == line.expiry_date  # marking twice changes nothing


def test_renewal_extends_from_the_current_expiry(workspace, owner):
    first = services.subscription_mark_paid(subscription_id=choose(workspace, owner, "pro").pk)
    second = services.subscription_mark_paid(subscription_id=choose(workspace, owner, "pro", months=3).pk)
    assert second.starts_at == first.expiry_date
    assert second.expiry_date == add_months(first.expiry_date, 3)
    assert current_subscription(workspace).pk == second.pk


def test_upgrade_starts_now(workspace, owner):
    services.subscription_mark_paid(subscription_id=choose(workspace, owner, "pro").pk)
    ent = services.subscription_mark_paid(subscription_id=choose(workspace, owner, "enterprise").pk)
    assert abs((ent.starts_at - timezone.now()).total_seconds()) < 5
    assert current_plan(workspace).code == "enterprise"


def test_failed_then_late_payment(workspace, owner):
    line = choose(workspace, owner, "pro")
    failed = services.subscription_mark_failed(subscription_id=line.pk)
    assert failed.payment_status == Subscription.Status.FAILED and failed.failed_at
    assert current_plan(workspace).code == "free"
    with pytest.raises(BillingError):
        services.subscription_mark_failed(subscription_id=line.pk)
    assert services.subscription_mark_paid(subscription_id=line.pk).payment_status == Subscription.Status.PAID


def test_refund_drops_back_and_pauses(workspace, owner):
    services.subscription_mark_paid(subscription_id=choose(workspace, owner, "pro").pk)
    devices(workspace, 3)
    line = Subscription.objects.get(payment_status="PAID")
    refunded = services.subscription_refund(subscription_id=line.pk)
    assert refunded.payment_status == Subscription.Status.REFUNDED
    assert current_plan(workspace).code == "free"
    from devices.models import Device
    assert Device.objects.filter(workspace=workspace).count() == 3  # nothing deleted
    assert Device.objects.filter(workspace=workspace, is_active_for_broadcast=True).count() == 1
    with pytest.raises(BillingError):
        services.subscription_mark_paid(subscription_id=line.pk)
    with pytest.raises(BillingError):
        services.subscription_refund(subscription_id=line.pk)


def test_free_activates_at_once_and_pauses_over_limit(workspace, owner):
    services.subscription_mark_paid(subscription_id=choose(workspace, owner, "pro").pk)
    devices(workspace, 2)
    line = choose(workspace, owner, "free")
    assert line.payment_status == Subscription.Status.PAID and line.amount == 0 and line.expiry_date is None
    assert current_plan(workspace).code == "free"
    from devices.models import Device
    assert list(Device.objects.filter(workspace=workspace).order_by("pk")
                .values_list("is_active_for_broadcast", flat=True)) == [True, False]
    with pytest.raises(BillingError) as info:
        choose(workspace, owner, "free")
    assert info.value.code == "already_on_plan"


@pytest.mark.parametrize("months", [0, 13, "x", None])
def test_bad_months(workspace, owner, months):
    with pytest.raises(BillingError) as info:
        services.subscription_choose(workspace=workspace, actor=owner, package_id=plan("pro").pk, months=months)
    assert "months" in info.value.fields


def test_hidden_or_unknown_package(workspace, owner):
    hidden = plan("enterprise")
    hidden.is_public = False
    hidden.save()
    for package_id in (hidden.pk, 99999, "abc"):
        with pytest.raises(BillingError) as info:
            services.subscription_choose(workspace=workspace, actor=owner, package_id=package_id, months=1)
        assert "does not exist" in info.value.message


def test_add_months_clamps_the_day():
    assert add_months(datetime(2026, 1, 31, tzinfo=UTC), 1) == datetime(2026, 2, 28, tzinfo=UTC)
    assert add_months(datetime(2026, 11, 15, tzinfo=UTC), 3) == datetime(2027, 2, 15, tzinfo=UTC)
    assert add_months(datetime(2027, 12, 31, tzinfo=UTC), 2) == datetime(2028, 2, 29, tzinfo=UTC)


def test_refunding_a_superseded_line_pauses_nothing(workspace, owner):
    old = services.subscription_mark_paid(subscription_id=choose(workspace, owner, "pro").pk)
    services.subscription_mark_paid(subscription_id=choose(workspace, owner, "enterprise").pk)
    devices(workspace, 3)
    services.subscription_refund(subscription_id=old.pk)
    from devices.models import Device
    assert current_plan(workspace).code == "enterprise"
    assert Device.objects.filter(workspace=workspace, is_active_for_broadcast=True).count() == 3
