"""Expiry with frozen time: the plan lapses to Free, extra devices pause (not deleted), payment restores them."""
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing import enforcement, services
from billing.beat import SCHEDULE
from billing.models import BillingPause
from billing.selectors import current_plan, dashboard_card, device_paused_by_billing
from billing.tasks import subscriptions_expire_task
from devices.models import Device
from tests.billing.helpers import devices, plan

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def buy(workspace, owner, code="pro", months=1):
    line = services.subscription_choose(workspace=workspace, actor=owner, package_id=plan(code).pk, months=months)
    return services.subscription_mark_paid(subscription_id=line.pk)


def broadcasting(workspace):
    return list(Device.objects.filter(workspace=workspace, is_active_for_broadcast=True)
                .order_by("pk").values_list("label", flat=True))


def test_expiry_pauses_then_payment_restores(workspace, owner):
    with time_machine.travel(START, tick=False):
        line = buy(workspace, owner)
        assert line.expiry_date == datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
        phones = devices(workspace, 3)
        manual_off = devices(workspace, 1, is_active_for_broadcast=False)[0]  # the owner switched it off
    with time_machine.travel(datetime(2026, 4, 1, 9, 5, tzinfo=UTC), tick=False):
        assert current_plan(workspace).code == "free"
        assert subscriptions_expire_task() == 1
        assert broadcasting(workspace) == [phones[0].label]  # the oldest number keeps sending
        assert Device.objects.filter(workspace=workspace).count() == 4  # nothing deleted
        assert BillingPause.objects.filter(workspace=workspace).count() == 2
        assert subscriptions_expire_task() == 0  # the beat running again pauses nothing twice
        assert "2 WhatsApp numbers stopped broadcasting" in dashboard_card(workspace)["alert"]
        with CaptureQueriesContext(connection) as queries:
            dashboard_card(workspace)
        # Each dashboard view: the plan once, the paused count once (it had been counted three times).
        assert sum("billing_billingpause" in q["sql"] for q in queries.captured_queries) == 1
        assert sum("billing_subscription" in q["sql"] for q in queries.captured_queries) == 1
        assert device_paused_by_billing(workspace, phones[1].pk) and not device_paused_by_billing(workspace,
                                                                                                  phones[0].pk)
        buy(workspace, owner)  # the owner pays again
        assert current_plan(workspace).code == "pro"
        assert broadcasting(workspace) == [p.label for p in phones]
        assert not Device.objects.get(pk=manual_off.pk).is_active_for_broadcast  # billing did not pause it
        assert not BillingPause.objects.filter(workspace=workspace).exists()


def test_restore_only_up_to_the_new_limit(workspace, owner):
    with time_machine.travel(START, tick=False):
        buy(workspace, owner, "enterprise")
        devices(workspace, 7)
    with time_machine.travel(START + timedelta(days=40), tick=False):
        subscriptions_expire_task()
        assert len(broadcasting(workspace)) == 1
        buy(workspace, owner, "pro")  # Pro allows 5
        assert len(broadcasting(workspace)) == 5
        assert BillingPause.objects.filter(workspace=workspace).count() == 2
        buy(workspace, owner, "enterprise")
        assert len(broadcasting(workspace)) == 7


def test_renewed_plan_does_not_pause_when_the_old_line_runs_out(workspace, owner):
    with time_machine.travel(START, tick=False):
        buy(workspace, owner)
        devices(workspace, 3)
        buy(workspace, owner)  # renewed ahead of time: runs until 1 May
    with time_machine.travel(datetime(2026, 4, 2, tzinfo=UTC), tick=False):
        assert subscriptions_expire_task() == 1
        assert current_plan(workspace).code == "pro"
        assert len(broadcasting(workspace)) == 3


def test_campaign_pause_hooks_run_on_lapse_and_payment(workspace, owner, monkeypatch):
    calls = []
    monkeypatch.setattr(enforcement, "PAUSE_HOOKS", list(enforcement.PAUSE_HOOKS))
    monkeypatch.setattr(enforcement, "RESUME_HOOKS", list(enforcement.RESUME_HOOKS))
    enforcement.register(pause=lambda *, workspace, plan: calls.append(("pause", plan.code)),
                         resume=lambda *, workspace, plan: calls.append(("resume", plan.code)), order=99)
    with time_machine.travel(START, tick=False):
        buy(workspace, owner)
    with time_machine.travel(START + timedelta(days=31), tick=False):
        subscriptions_expire_task()
        buy(workspace, owner)
    assert calls == [("resume", "pro"), ("pause", "free"), ("resume", "pro")]


def test_the_owning_apps_register_their_hooks_devices_first():
    assert [f"{h.__module__}.{h.__name__}" for _order, h in enforcement.PAUSE_HOOKS] == [
        "devices.billing_hooks.devices_pause_over_limit", "campaigns.services.campaigns_pause_for_billing"]
    assert [f"{h.__module__}.{h.__name__}" for _order, h in enforcement.RESUME_HOOKS] == [
        "devices.billing_hooks.devices_resume_within_limit", "campaigns.services.campaigns_resume_for_billing"]


def test_billing_pausing_a_device_is_a_device_save_the_rotator_hears(workspace, owner):
    from django.db.models.signals import post_save

    from devices.models import WahaServer

    server = WahaServer.objects.create(name="hooks", base_url="http://127.0.0.1:9")
    for n in range(2):
        Device.objects.create(workspace=workspace, server=server, session_name=f"hook-{n}")
    saved = []

    def heard(sender, instance, **kwargs):
        saved.append((instance.pk, instance.is_active_for_broadcast))

    post_save.connect(heard, sender=Device)
    try:
        enforcement.plan_shrunk(workspace=workspace, plan=plan("free"))
    finally:
        post_save.disconnect(heard, sender=Device)
    second = Device.objects.get(session_name="hook-1")
    assert saved == [(second.pk, False)] and not second.is_active_for_broadcast


def test_dashboard_reminders_7_3_1_days(workspace, owner):
    with time_machine.travel(START, tick=False):
        buy(workspace, owner)
        card = dashboard_card(workspace)
        assert card["value"] == "Pro" and "alert" not in card
    for days, level in [(7, "warning"), (3, "warning"), (1, "danger")]:
        with time_machine.travel(datetime(2026, 4, 1, 9, 0, tzinfo=UTC) - timedelta(days=days), tick=False):
            card = dashboard_card(workspace)
            assert card["alert"] == (f"Your Pro plan expires in {days} day{'s' if days > 1 else ''}. "
                                     "Renew it under Billing so nothing gets paused.")
            assert card["alert_level"] == level
    with time_machine.travel(datetime(2026, 4, 1, 9, 0, tzinfo=UTC) - timedelta(days=8), tick=False):
        assert "alert" not in dashboard_card(workspace)


def test_reminder_shows_on_the_dashboard_page(workspace, owner, owner_client):
    with time_machine.travel(START, tick=False):
        buy(workspace, owner)
    with time_machine.travel(datetime(2026, 3, 29, 9, 0, tzinfo=UTC), tick=True):
        html = owner_client.get("/").content.decode()
    assert "Your Pro plan expires in 3 days" in html


def test_beat_entry_expires_before_the_next_run():
    entry = SCHEDULE["billing-subscriptions-expire"]
    assert entry["task"] == "billing.tasks.subscriptions_expire_task"
    assert entry["options"]["expires"] < entry["schedule"]


def test_owner_cannot_switch_a_billing_paused_device_back_on(workspace, owner):
    from billing.errors import LimitReached
    from devices.services import device_update

    with time_machine.travel(START, tick=False):
        buy(workspace, owner)
        phones = devices(workspace, 2)
    with time_machine.travel(START + timedelta(days=40), tick=False):
        subscriptions_expire_task()
        paused = Device.objects.get(pk=phones[1].pk)
        with pytest.raises(LimitReached, match="billing paused this one"):
            device_update(device=paused, is_active_for_broadcast=True)
        assert not Device.objects.get(pk=paused.pk).is_active_for_broadcast
        device_update(device=paused, label="still editable")  # other changes go through
        buy(workspace, owner)
        assert Device.objects.get(pk=paused.pk).is_active_for_broadcast


def test_devices_page_explains_why_a_paused_device_stays_off(workspace, owner, owner_client):
    with time_machine.travel(START, tick=False):
        buy(workspace, owner)
        phones = devices(workspace, 2)
    with time_machine.travel(START + timedelta(days=40), tick=False):
        subscriptions_expire_task()
        session = Device.objects.get(pk=phones[1].pk).session_name
        response = owner_client.post(f"/devices/{session}/broadcast", {"on": "1"}, follow=True)
        assert "billing paused this one" in response.content.decode()
        assert not Device.objects.get(pk=phones[1].pk).is_active_for_broadcast
