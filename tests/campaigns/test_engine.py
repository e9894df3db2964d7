"""The paced engine end to end against the in-process emulator, driven in virtual time."""
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from campaigns import engine, pacing, services
from campaigns.models import Campaign, DevicePace, Recipient
from devices.models import Device

from .helpers import later, sent_to, start

pytestmark = pytest.mark.django_db


def statuses(campaign):
    return sorted(Recipient.objects.filter(campaign=campaign).values_list("status", flat=True))


def test_audience_is_frozen_with_tags_exclusions_and_opt_outs(driver, workspace, owner, make_device, make_contacts):
    make_device(workspace)
    vip = make_contacts(workspace, 3, tags=["VIP"])
    make_contacts(workspace, 2, tags=["Lead"], start=10)
    make_contacts(workspace, 2, tags=["VIP", "Blocked"], start=20)
    from contacts.services import contact_opt_out

    contact_opt_out(contact=vip[0], reason="STOP")
    campaign = start(driver, workspace, owner, tags=["VIP", "Nobody"], exclude_tags=["Blocked"],
                     message="Hi [name|Kak], {a|b}")
    rows = Recipient.objects.filter(campaign=campaign).order_by("pk")
    assert [r.contact_id for r in rows] == [vip[1].pk, vip[2].pk]
    assert campaign.total_recipients == 2
    assert rows[0].status == Recipient.Status.PENDING
    assert rows[0].text in {f"Hi {vip[1].name}, a", f"Hi {vip[1].name}, b"}
    # A contact added after the start does not join the frozen audience.
    make_contacts(workspace, 1, tags=["VIP"], start=30)
    driver.run()
    assert Recipient.objects.filter(campaign=campaign).count() == 2


def test_campaign_is_spread_over_devices_and_completes_once_each(driver, waha, workspace, owner, make_device,
                                                                 make_contacts):
    a, b = make_device(workspace), make_device(workspace)
    make_contacts(workspace, 12)
    campaign = start(driver, workspace, owner, delay=(1, 3))
    driver.run()
    driver.kick()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.COMPLETED
    assert statuses(campaign) == ["SENT"] * 12
    phones = sent_to(waha)
    assert len(phones) == 12 and len(set(phones)) == 12
    used = dict(Recipient.objects.filter(campaign=campaign).values_list("device_used__session_name")
                .annotate(n=__import__("django.db.models", fromlist=["Count"]).Count("pk")))
    assert set(used) == {a.session_name, b.session_name}
    assert min(used.values()) >= 4  # both clocks ran in parallel
    row = Recipient.objects.filter(campaign=campaign).first()
    assert row.waha_message_id and row.waha_short_id and row.waha_short_id in row.waha_message_id


def test_one_device_never_sends_faster_than_its_delay(driver, waha, workspace, owner, make_device, make_contacts):
    device = make_device(workspace)
    make_contacts(workspace, 5)
    campaign = start(driver, workspace, owner, delay=(10, 20))
    driver.run()
    times = sorted(Recipient.objects.filter(campaign=campaign).values_list("sent_at", flat=True))
    gaps = [(b - a).total_seconds() for a, b in zip(times, times[1:], strict=False)]
    assert len(times) == 5 and all(gap >= 10 for gap in gaps), gaps
    assert all(gap <= 20.5 for gap in gaps), gaps
    assert DevicePace.objects.get(device=device).sent_today == 5


def test_duplicate_chains_and_kicks_do_not_double_the_rate(driver, waha, workspace, owner, make_device,
                                                           make_contacts):
    device = make_device(workspace)
    make_contacts(workspace, 4)
    campaign = start(driver, workspace, owner, delay=(5, 5))
    chain = DevicePace.objects.get(device=device).chain
    for _ in range(3):  # a redelivered message runs the same step again
        driver.push(0, engine.device_step, device.pk, chain)
        driver.kick()
    driver.run()
    times = sorted(Recipient.objects.filter(campaign=campaign).values_list("sent_at", flat=True))
    assert all((b - a).total_seconds() >= 5 for a, b in zip(times, times[1:], strict=False))
    assert len(sent_to(waha)) == 4


def test_pause_resume_and_cancel(driver, waha, workspace, owner, make_device, make_contacts):
    make_device(workspace)
    make_contacts(workspace, 6)
    campaign = start(driver, workspace, owner, delay=(10, 10))
    driver.run(max_steps=2)  # one send
    services.campaign_pause(campaign=campaign)
    driver.run()
    sent_while_paused = len(sent_to(waha))
    assert sent_while_paused <= 2
    assert Recipient.objects.filter(campaign=campaign, status="PENDING").count() == 6 - sent_while_paused
    driver.call(services.campaign_resume, campaign=campaign)
    driver.run(max_steps=3)
    services.campaign_cancel(campaign=campaign)
    driver.run()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.CANCELLED
    counts = statuses(campaign)
    assert "PENDING" not in counts and "SKIPPED" in counts
    assert len(sent_to(waha)) == counts.count("SENT")
    with pytest.raises(services.CampaignStateError):
        services.campaign_resume(campaign=campaign)


def test_a_device_that_drops_out_leaves_its_share_to_the_others(driver, waha, workspace, owner, make_device,
                                                                make_contacts):
    a, b = make_device(workspace), make_device(workspace)
    make_contacts(workspace, 10)
    campaign = start(driver, workspace, owner, delay=(5, 5))
    driver.run(max_steps=4)
    Device.objects.filter(pk=b.pk).update(status=Device.Status.DISCONNECTED)
    by_b_before = Recipient.objects.filter(campaign=campaign, device_used=b, status="SENT").count()
    driver.run()
    driver.kick()
    driver.run()
    campaign.refresh_from_db()
    assert statuses(campaign) == ["SENT"] * 10
    assert Recipient.objects.filter(campaign=campaign, device_used=b).count() == by_b_before
    assert Recipient.objects.filter(campaign=campaign, device_used=a).count() == 10 - by_b_before
    assert campaign.status == Campaign.Status.COMPLETED


def test_a_device_that_returns_rejoins(driver, waha, workspace, owner, make_device, make_contacts):
    a, b = make_device(workspace), make_device(workspace, connected=False)
    make_contacts(workspace, 10)
    campaign = start(driver, workspace, owner, delay=(5, 5), devices=[a, b])
    driver.run(max_steps=3)
    Device.objects.filter(pk=b.pk).update(status=Device.Status.CONNECTED)
    driver.kick()
    driver.run()
    assert Recipient.objects.filter(campaign=campaign, device_used=b, status="SENT").count() >= 3


def test_quiet_hours_hold_sending_until_they_end(driver, waha, workspace, owner, make_device, make_contacts):
    jakarta = ZoneInfo("Asia/Jakarta")
    workspace.time_zone = "Asia/Jakarta"
    workspace.save()
    driver.traveller.move_to(datetime(2026, 5, 1, 22, 0, tzinfo=jakarta))
    make_device(workspace)
    make_contacts(workspace, 3)
    campaign = start(driver, workspace, owner, delay=(1, 1), quiet_start=time(21, 0), quiet_end=time(8, 0))
    driver.run(until=datetime(2026, 5, 2, 7, 59, tzinfo=jakarta))
    assert sent_to(waha) == []
    driver.run()
    first = Recipient.objects.filter(campaign=campaign).order_by("sent_at").first().sent_at
    assert first.astimezone(jakarta) >= datetime(2026, 5, 2, 8, 0, tzinfo=jakarta)
    assert statuses(campaign) == ["SENT"] * 3


def test_daily_cap_per_device_resumes_the_next_day(driver, waha, workspace, owner, make_device, make_contacts):
    make_device(workspace)
    make_contacts(workspace, 3)
    campaign = start(driver, workspace, owner, delay=(1, 1), daily_cap_per_device=2)
    local_midnight = timezone.localtime(timezone.now(), ZoneInfo(workspace.time_zone)).replace(
        hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    driver.run(until=local_midnight - timedelta(seconds=1))
    assert len(sent_to(waha)) == 2
    driver.run()
    assert statuses(campaign) == ["SENT"] * 3


def test_transient_errors_retry_and_not_on_whatsapp_is_final(driver, waha, workspace, owner, make_device,
                                                             make_contacts, settings):
    settings.SEBAR_RETRY_BACKOFF_SECONDS = 7
    make_device(workspace)
    contacts = make_contacts(workspace, 3)
    waha.set_faults(send_503=1, not_on_whatsapp=[contacts[2].phone])  # refused before WAHA did anything
    campaign = start(driver, workspace, owner, delay=(1, 1))
    driver.run()
    rows = {r.contact_id: r for r in Recipient.objects.filter(campaign=campaign)}
    assert rows[contacts[2].pk].status == Recipient.Status.SKIPPED
    assert "not on WhatsApp" in rows[contacts[2].pk].reason
    assert sorted(r.status for r in rows.values()) == ["SENT", "SENT", "SKIPPED"]
    assert max(r.attempts for r in rows.values()) == 2  # the refused one went back to PENDING and was retried
    assert contacts[2].phone not in sent_to(waha)
    # The contact list learns it too; the numbers that got the message are left as they were.
    contacts[2].refresh_from_db()
    contacts[0].refresh_from_db()
    assert contacts[2].on_whatsapp is False and contacts[0].on_whatsapp is None


def test_transient_errors_give_up_after_max_attempts(driver, waha, workspace, owner, make_device, make_contacts):
    make_device(workspace)
    make_contacts(workspace, 1)
    waha.set_faults(send_503=pacing.MAX_ATTEMPTS)
    campaign = start(driver, workspace, owner)
    driver.run()
    row = Recipient.objects.get(campaign=campaign)
    assert row.status == Recipient.Status.FAILED and row.attempts == pacing.MAX_ATTEMPTS
    assert "Gave up" in row.reason


def test_a_500_while_sending_is_never_retried(driver, waha, workspace, owner, make_device, make_contacts):
    make_device(workspace)
    make_device(workspace)
    make_contacts(workspace, 1)
    waha.set_faults(send_5xx=1)  # the engine failed mid-send: it may have gone out
    campaign = start(driver, workspace, owner)
    driver.run(until=later(300))
    row = Recipient.objects.get(campaign=campaign)
    assert row.status == Recipient.Status.SENDING and row.attempts == 1 and row.attempted_at
    assert waha.set_faults()["send_5xx"] == 0 and len(waha.sent()) == 0  # no second try on any number


def test_typing_simulation_types_then_sends_on_the_slot(driver, waha, workspace, owner, make_device, make_contacts):
    make_device(workspace)
    make_contacts(workspace, 2)
    campaign = start(driver, workspace, owner, delay=(6, 6), typing_simulation=True)
    driver.run()
    times = sorted(Recipient.objects.filter(campaign=campaign).values_list("sent_at", flat=True))
    assert statuses(campaign) == ["SENT", "SENT"]
    assert (times[1] - times[0]).total_seconds() >= 6


def test_scheduled_campaign_starts_once_on_time(driver, workspace, owner, make_device, make_contacts):
    make_device(workspace)
    make_contacts(workspace, 2)
    at = timezone.now() + timedelta(hours=2)
    campaign = driver.call(services.campaign_create, workspace=workspace, actor=owner, name="Later",
                           message="Hi", tags=["VIP"], schedule=at, delay_min=0, delay_max=0)
    assert campaign.status == Campaign.Status.SCHEDULED
    assert driver.call(services.campaigns_start_due) == []
    driver.traveller.move_to(at + timedelta(seconds=1))
    assert driver.call(services.campaigns_start_due) == [campaign.pk]
    assert driver.call(services.campaigns_start_due) == []
    assert driver.call(services.campaign_launch, campaign_id=campaign.pk) is None
    assert Recipient.objects.filter(campaign=campaign).count() == 2
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.PROCESSING and campaign.started_at is not None


def test_two_deliveries_racing_for_one_device_are_spaced_by_the_slot(driver, waha, workspace, owner, make_device,
                                                                     make_contacts):
    device = make_device(workspace)
    make_contacts(workspace, 2)
    campaign = start(driver, workspace, owner, delay=(8, 8))
    driver.queue.clear()  # no chain: only the two racing deliveries below
    rows = list(Recipient.objects.filter(campaign=campaign))
    Recipient.objects.filter(campaign=campaign).update(status="SENDING", device_used=device,
                                                       claimed_at=timezone.now())
    chain = DevicePace.objects.get(device=device).chain
    assert driver.call(engine.deliver, rows[0].pk, chain) == "sent"
    assert driver.call(engine.deliver, rows[1].pk, chain) == "slot_busy"
    assert len(sent_to(waha)) == 1
    driver.run()
    times = sorted(Recipient.objects.filter(campaign=campaign).values_list("sent_at", flat=True))
    assert len(sent_to(waha)) == 2 and (times[1] - times[0]).total_seconds() >= 8


def test_billing_pauses_and_resumes_only_what_it_paused(driver, workspace, owner, make_device, make_contacts):
    make_device(workspace)
    make_contacts(workspace, 2)
    running = start(driver, workspace, owner, delay=(50, 50))
    by_hand = start(driver, workspace, owner, delay=(50, 50))
    services.campaign_pause(campaign=by_hand)
    assert services.campaigns_pause_for_billing(workspace=workspace, plan=None) == 1
    running.refresh_from_db()
    assert running.status == Campaign.Status.PAUSED and "plan" in running.last_error_text
    # Resume by hand while the plan is still lapsed: refused, it waits for the payment (issue 12 #16).
    with pytest.raises(services.CampaignStateError) as refused:
        services.campaign_resume(campaign=running)
    assert refused.value.code == "paused_by_billing" and "Billing" in refused.value.message
    running.refresh_from_db()
    assert running.status == Campaign.Status.PAUSED
    assert driver.call(services.campaigns_resume_for_billing, workspace=workspace, plan=None) == 1
    running.refresh_from_db()
    by_hand.refresh_from_db()
    assert running.status == Campaign.Status.PROCESSING and by_hand.status == Campaign.Status.PAUSED


def test_plan_daily_messages_hold_sending_until_the_next_day(driver, waha, workspace, owner, make_device,
                                                             make_contacts):
    from billing.selectors import free_package
    from campaigns.sent_today import sent_today
    from config.redis import get_redis, key

    plan = free_package()
    plan.features = {**plan.features, "daily_messages": 2}
    plan.save()
    make_device(workspace)
    make_contacts(workspace, 3)
    campaign = start(driver, workspace, owner, delay=(1, 1))
    local_midnight = timezone.localtime(timezone.now(), ZoneInfo(workspace.time_zone)).replace(
        hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    driver.run(until=local_midnight - timedelta(seconds=1))
    assert len(sent_to(waha)) == 2
    # The counter is a cache of the rows: flushed, it is rebuilt from them, and the limit still holds.
    get_redis().delete(*get_redis().keys(key("sent-today", "*")))
    assert sent_today(workspace) == 2
    driver.run(until=local_midnight - timedelta(milliseconds=500))
    assert len(sent_to(waha)) == 2
    driver.run()
    assert statuses(campaign) == ["SENT"] * 3


@pytest.mark.parametrize(("late", "send_seconds", "expected"), [
    (0, 0, 10),    # on time: the drawn delay
    (3, 0, 7),     # started 3 s late: the next slot stays on the device's cadence
    (8, 0, 5),     # very late: at most delay - minimum is made up, never a burst
    (3, 9, 14),    # slow send: the minimum is kept from its end
])
def test_next_slot_keeps_the_cadence_but_never_the_minimum(workspace, make_device, late, send_seconds, expected):
    import time_machine

    device = make_device(workspace)
    DevicePace.objects.create(device=device)
    started = timezone.now()
    with time_machine.travel(started + timedelta(seconds=send_seconds), tick=False):
        engine._slot_done(device.pk, 0, 10, rearm_chain=False, started=started, late=late, floor=5)
    next_at = DevicePace.objects.get(device=device).next_send_at
    assert abs((next_at - started).total_seconds() - expected) < 0.001


def test_a_send_reads_the_waha_server_with_its_device(driver, waha, workspace, owner, make_device, make_contacts):
    """Per message, the step and the delivery each read the device once, its WAHA server joined in."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_device(workspace)
    make_contacts(workspace, 3)
    campaign = start(driver, workspace, owner, delay=(5, 6))
    with CaptureQueriesContext(connection) as ctx:
        driver.run()
    assert statuses(campaign) == ["SENT"] * 3
    alone = [q["sql"] for q in ctx.captured_queries
             if q["sql"].lstrip().upper().startswith("SELECT") and "wahaserver" in q["sql"].lower()
             and "devices_device" not in q["sql"].lower() and "campaigns_recipient" not in q["sql"].lower()]
    assert alone == []


def test_a_delivery_sent_back_for_a_busy_slot_keeps_its_slot(driver, waha, workspace, owner, make_device,
                                                              make_contacts, monkeypatch):
    """A delivery that found its slot not yet open is queued again; when that run starts late, the lateness
    is made up from the slot it was due at (issue 21 #5), as for a delivery that ran late the first time."""
    device = make_device(workspace)
    make_contacts(workspace, 1)
    campaign = start(driver, workspace, owner, delay=(5, 15))
    driver.queue.clear()
    monkeypatch.setattr(engine, "draw_delay", lambda campaign: 10.0)
    row = Recipient.objects.get(campaign=campaign)
    Recipient.objects.filter(pk=row.pk).update(status="SENDING", device_used=device, claimed_at=timezone.now())
    slot = later(1)
    DevicePace.objects.filter(device=device).update(next_send_at=slot)
    chain = DevicePace.objects.get(device=device).chain
    assert driver.call(engine.deliver, row.pk, chain, slot=slot.timestamp()) == "slot_busy"
    [(_due, _seq, fn, args)] = driver.queue
    driver.queue.clear()
    driver.traveller.move_to(slot + timedelta(seconds=4))  # a busy worker runs it 4 s after its slot
    assert driver.call(fn, *args) == "sent"
    # Due at `slot`, started 4 s late: 4 s of the 10 s delay are made up (at most 10 - 5), so the next
    # slot is slot + 10, on the device's cadence; a re-queue that forgot its slot would say slot + 14.
    next_at = DevicePace.objects.get(device=device).next_send_at
    assert abs((next_at - slot).total_seconds() - 10) < 0.01
