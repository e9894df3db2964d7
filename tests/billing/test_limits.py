"""Each plan limit at its edge, the refusal message, and limits following the plan in the ledger."""
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Membership
from billing import limits
from billing.errors import LimitReached
from billing.models import Subscription
from billing.selectors import current_plan
from tests.billing.helpers import contacts, devices, paid, plan
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_seeded_plans():
    free, pro, ent = plan("free"), plan("pro"), plan("enterprise")
    assert (free.price, free.max_devices, free.max_contacts) == (0, 1, 500)
    assert (pro.price, pro.max_devices, pro.max_contacts) == (199_000, 5, 25_000)
    assert (ent.max_devices, ent.max_contacts, ent.limit("rotators")) == (20, None, None)
    assert free.features == {"max_rotators": 3, "max_agents": 1, "daily_messages": 500, "ai_replies": 0,
                             "max_warming": 1}
    assert pro.limit("ai_replies") == 1_000 and pro.limit("agents") == 5 and ent.limit("daily_messages") == 50_000
    assert [p.limit("ai_replies") for p in map(plan, ("starter", "business", "enterprise"))] == [100, 5_000, None]


def test_new_workspace_is_on_free(workspace):
    assert current_plan(workspace).code == "free"
    assert limits.limit_for(workspace, "devices") == 1


def test_devices_at_the_edge_on_free(workspace):
    limits.check(workspace, "devices")  # 0 of 1: fine
    devices(workspace, 1)
    with pytest.raises(LimitReached) as info:
        limits.check(workspace, "devices")
    err = info.value
    assert err.message == "Your Free plan allows 1 device and you have 1. Remove one or upgrade to Starter."
    assert (err.code, err.status_code, err.limit, err.used) == ("plan_limit_reached", 403, 1, 1)
    assert err.upgrade_to == "Starter"
    assert limits.remaining(workspace, "devices") == 0


def test_contacts_edge_and_bulk_adding(workspace):
    contacts(workspace, 499)
    limits.check(workspace, "contacts")  # the 500th fits
    with pytest.raises(LimitReached) as info:
        limits.check(workspace, "contacts", adding=2)
    assert "allows 500 contacts and you have 499. This would add 2." in info.value.message
    assert "upgrade to Starter" in info.value.message


def test_pro_raises_the_limits_and_enterprise_is_unlimited(workspace):
    devices(workspace, 1)
    paid(workspace, "pro")
    assert current_plan(workspace).code == "pro"
    limits.check(workspace, "devices")
    devices(workspace, 4)
    with pytest.raises(LimitReached) as info:
        limits.check(workspace, "devices")
    assert info.value.message == "Your Pro plan allows 5 devices and you have 5. Remove one or upgrade to Business."
    contacts(workspace, 3)
    assert limits.remaining(workspace, "contacts") == 24_997
    paid(workspace, "enterprise")
    assert limits.limit_for(workspace, "contacts") is None
    limits.check(workspace, "contacts", adding=1_000_000)
    assert limits.remaining(workspace, "contacts") is None


def test_highest_plan_has_no_upgrade_advice(workspace):
    paid(workspace, "enterprise")
    devices(workspace, 20)
    with pytest.raises(LimitReached) as info:
        limits.check(workspace, "devices")
    assert info.value.message == "Your Enterprise plan allows 20 devices and you have 20. Remove some to make room."
    assert info.value.upgrade_to is None


def test_agents_limit(workspace, owner):
    limits.check(workspace, "agents")
    MembershipFactory(workspace=workspace, role=Membership.Role.AGENT)
    with pytest.raises(LimitReached) as info:
        limits.check(workspace, "agents")
    assert "allows 1 agent and you have 1" in info.value.message  # the owner is not an agent seat


def test_ai_replies_feature(workspace):
    with pytest.raises(LimitReached) as info:
        limits.check(workspace, "ai_replies")
    assert info.value.message == "Your Free plan does not include AI replies. Upgrade to Starter to use it."
    paid(workspace, "pro")
    limits.check(workspace, "ai_replies")


def test_every_resource_is_counted_by_the_app_that_owns_it():
    owners = {r: limits.USAGE_COUNTERS[r].__module__ for r in limits.RESOURCES}
    assert owners == {"devices": "devices.selectors", "contacts": "contacts.selectors",
                      "rotators": "rotator.selectors", "agents": "accounts.selectors",
                      "daily_messages": "campaigns.selectors", "ai_replies": "billing.limits",
                      "warming": "devices.ramp"}


def test_an_unregistered_counter_is_an_error_never_a_silent_zero(workspace, monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.delitem(limits.USAGE_COUNTERS, "daily_messages")
    with pytest.raises(ImproperlyConfigured, match="daily_messages"):
        limits.usage(workspace, "daily_messages")
    with pytest.raises(ImproperlyConfigured, match="no resource"):
        limits.register_usage("daily_mesages", lambda ws: 0)  # a typo fails at startup, not silently


def test_daily_messages_message(workspace, monkeypatch):
    monkeypatch.setattr(limits, "usage", lambda ws, resource: 500)
    with pytest.raises(LimitReached) as info:
        limits.check(workspace, "daily_messages")
    assert info.value.message == ("Your Free plan allows 500 messages a day and you have sent 500 today. "
                                  "Sending continues tomorrow, or upgrade to Starter.")


def test_expired_refunded_and_pending_lines_do_not_count(workspace):
    now = timezone.now()
    paid(workspace, "pro", now=now - timedelta(days=40), expiry=now - timedelta(seconds=1))
    assert current_plan(workspace).code == "free"
    line = paid(workspace, "pro")
    line.payment_status = Subscription.Status.REFUNDED
    line.save()
    assert current_plan(workspace).code == "free"
    Subscription.objects.create(workspace=workspace, package=plan("enterprise"), reference="INV-X-PENDING",
                                payment_status=Subscription.Status.PENDING)
    assert current_plan(workspace).code == "free"


def test_lowering_a_limit_deletes_nothing(workspace):
    paid(workspace, "pro", now=timezone.now() - timedelta(days=31), expiry=timezone.now() - timedelta(days=1))
    devices(workspace, 3)
    contacts(workspace, 600)
    assert current_plan(workspace).code == "free"
    with pytest.raises(LimitReached):
        limits.check(workspace, "contacts")
    assert limits.usage(workspace, "devices") == 3 and limits.usage(workspace, "contacts") == 600
    assert limits.remaining(workspace, "contacts") == 0


def test_operator_edits_apply(workspace):
    devices(workspace, 1)
    with pytest.raises(LimitReached):  # the seeded Free plan takes one number
        limits.check(workspace, "devices")
    free = plan("free")
    free.max_devices = 2
    free.save()
    limits.check(workspace, "devices")  # the operator's edit applies at once, no cached plan
    free.max_devices = 1
    free.save()
    with pytest.raises(LimitReached):
        limits.check(workspace, "devices")


def test_api_error_shape(workspace, owner_api):
    """The DRF handler renders LimitReached as 403 plan_limit_reached with the figures."""
    from rest_framework.test import APIRequestFactory

    from config.errors import api_exception_handler

    devices(workspace, 1)
    with pytest.raises(LimitReached) as caught:  # a check that let the second device in fails here, not by NameError
        limits.check(workspace, "devices")
    response = api_exception_handler(caught.value, {"request": APIRequestFactory().get("/")})
    assert response.status_code == 403
    assert response.data["error"] == "plan_limit_reached"
    assert response.data["fields"] == {"resource": "devices", "limit": 1, "used": 1, "upgrade_to": "Starter"}


@pytest.mark.parametrize("code", ["free", "pro", "enterprise"])
@pytest.mark.parametrize("resource", ["devices", "contacts", "rotators", "agents", "daily_messages"])
def test_every_limit_at_its_edge(workspace, monkeypatch, code, resource):
    if code != "free":
        paid(workspace, code)
    limit = plan(code).limit(resource)
    if limit is None:
        monkeypatch.setattr(limits, "usage", lambda ws, r: 10**9)
        limits.check(workspace, resource)  # unlimited never refuses
        return
    monkeypatch.setattr(limits, "usage", lambda ws, r: limit - 1)
    limits.check(workspace, resource)  # the last one fits
    monkeypatch.setattr(limits, "usage", lambda ws, r: limit)
    with pytest.raises(LimitReached) as info:
        limits.check(workspace, resource)
    assert (info.value.limit, info.value.used) == (limit, limit)
    assert f"Your {plan(code).name} plan allows {limit:,}" in info.value.message
