"""The plan's daily messages and the per-number daily cap are taken before a send leaves (#21.3).

Checked when a device prepared and counted after its send, the plan's limit let every device that
prepared at once send (limit 2, 4 devices: 4 sent); and a send that failed, or whose row the reaper took,
used up a unit of the number's daily cap although nothing went out.
"""
import threading
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from campaigns import engine, engine_beat, pacing, sent_today
from campaigns.models import DevicePace, Recipient

from .helpers import later, sent_to, start

pytestmark = pytest.mark.django_db


def _daily_messages(n):
    from billing.selectors import free_package

    plan = free_package()
    plan.features = {**plan.features, "daily_messages": n}
    plan.save()


def _midnight(workspace):
    local = timezone.localtime(timezone.now(), ZoneInfo(workspace.time_zone))
    return local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)


def test_four_devices_that_prepare_together_send_only_the_plans_two(driver, waha, workspace, owner, make_device,
                                                                    make_contacts):
    _daily_messages(2)
    for _ in range(4):
        make_device(workspace)
    make_contacts(workspace, 4)
    # Typing puts each send a few seconds after its preparation: all four devices prepare before any sends.
    campaign = start(driver, workspace, owner, delay=(10, 10), typing_simulation=True)
    midnight = _midnight(workspace)
    driver.run(until=midnight - timedelta(seconds=1))
    assert len(sent_to(waha)) == 2
    assert sent_today.sent_today(workspace) == 2
    waiting = Recipient.objects.filter(campaign=campaign, status=Recipient.Status.PENDING)
    assert waiting.count() == 2
    for row in waiting:  # the list says why they wait
        assert "allows 2 messages a day and you have sent 2 today" in row.reason
        assert "Sending continues tomorrow" in row.reason
    driver.run()
    assert len(sent_to(waha)) == 4 and len(set(sent_to(waha))) == 4
    assert not Recipient.objects.filter(campaign=campaign).exclude(status=Recipient.Status.SENT).exists()
    assert not Recipient.objects.filter(campaign=campaign).exclude(error="").exists()


def test_a_send_that_never_reached_waha_gives_its_units_back(driver, waha, workspace, owner, make_device,
                                                             make_contacts, settings):
    settings.SEBAR_RETRY_BACKOFF_SECONDS = 7
    _daily_messages(1)
    device = make_device(workspace)
    make_contacts(workspace, 1)
    waha.set_faults(send_503=1)  # refused before WAHA did anything
    campaign = start(driver, workspace, owner, delay=(1, 1), daily_cap_per_device=1)
    driver.run(until=_midnight(workspace) - timedelta(seconds=1))
    row = Recipient.objects.get(campaign=campaign)
    assert row.status == Recipient.Status.SENT and row.attempts == 2  # retried the same day
    assert len(waha.sent()) == 1
    assert sent_today.sent_today(workspace) == 1
    assert DevicePace.objects.get(device=device).sent_today == 1


def test_a_send_of_unknown_outcome_keeps_its_units(driver, waha, workspace, owner, make_device, make_contacts):
    _daily_messages(1)
    device = make_device(workspace)
    make_contacts(workspace, 2)
    waha.set_faults(send_5xx=1)  # it may have gone out: it counts
    campaign = start(driver, workspace, owner, delay=(1, 1))
    driver.run(until=_midnight(workspace) - timedelta(seconds=1))
    assert waha.sent() == []
    assert sent_today.sent_today(workspace) == 1
    assert DevicePace.objects.get(device=device).sent_today == 1
    assert Recipient.objects.filter(campaign=campaign, status=Recipient.Status.PENDING).count() == 1


def test_a_row_reaped_before_its_send_does_not_use_up_the_numbers_cap(driver, waha, workspace, owner,
                                                                      make_device, make_contacts, monkeypatch):
    device = make_device(workspace)
    make_contacts(workspace, 1)
    claim_slot = engine._claim_slot
    reaped = []

    def reaper_runs_meanwhile(*args, **kwargs):
        # The worker stalls between holding the slot and marking the attempt; the reaper gives the row back.
        wait = claim_slot(*args, **kwargs)
        if not reaped:
            reaped.append(engine_beat.recipients_reap(now=later(pacing.unattempted_lease_seconds() + 1)))
        return wait

    monkeypatch.setattr(engine, "_claim_slot", reaper_runs_meanwhile)
    campaign = start(driver, workspace, owner, delay=(5, 5), daily_cap_per_device=1)
    driver.run(max_steps=1)
    assert reaped == [(1, 0)] and waha.sent() == []
    assert DevicePace.objects.get(device=device).sent_today == 0
    assert sent_today.sent_today(workspace) == 0
    # The row is sent later the same day, by the number whose cap is 1.
    driver.traveller.move_to(later(pacing.arm_grace_seconds() + 10))
    driver.kick()
    driver.run(until=_midnight(workspace) - timedelta(seconds=1))
    assert Recipient.objects.get(campaign=campaign).status == Recipient.Status.SENT
    assert DevicePace.objects.get(device=device).sent_today == 1


def test_concurrent_reservations_never_pass_the_limit(workspace):
    """Many workers at once: the check and the count are one step, so exactly `limit` units are taken."""
    taken, barrier = [], threading.Barrier(8)

    def worker():
        barrier.wait()
        for _ in range(5):
            taken.append(sent_today.reserve(workspace, 10))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len([t for t in taken if t]) == 10 and sent_today.sent_today(workspace) == 10
    sent_today.give_back(next(t for t in taken if t))
    assert sent_today.reserve(workspace, 10) and not sent_today.reserve(workspace, 10)


def test_a_test_send_in_flight_holds_the_last_unit(workspace, make_device, waha, monkeypatch):
    """A second test while the first is on its way is refused: both checked before either was counted."""
    from billing.errors import LimitReached
    from campaigns import trial

    _daily_messages(1)
    device = make_device(workspace)
    send, inner = trial._send, []

    def another_test_meanwhile(*args):
        if not inner:
            inner.append(None)
            with pytest.raises(LimitReached) as refused:
                trial.message_test_send(workspace=workspace, device=device, phone="081299990002", message="Hi")
            inner[0] = refused.value.message
        return send(*args)

    monkeypatch.setattr(trial, "_send", another_test_meanwhile)
    trial.message_test_send(workspace=workspace, device=device, phone="081299990001", message="Hi")
    assert "you have sent 1 today" in inner[0]
    assert len(waha.sent()) == 1 and sent_today.sent_today(workspace) == 1


def test_the_cap_is_a_condition_of_holding_the_slot(workspace, make_device):
    """A second delivery of the device (a duplicate chain) that read the cap before the first counted is
    refused by the UPDATE itself."""
    device = make_device(workspace)
    today = engine.windows.local_now(workspace).date()
    DevicePace.objects.create(device=device, day=today, sent_today=3)
    assert engine._claim_slot(device, 5, 3, today) == "device_cap"
    assert engine._claim_slot(device, 5, 4, today) == 0.0
    assert DevicePace.objects.get(device=device).sent_today == 4
    DevicePace.objects.filter(device=device).update(next_send_at=None, day=today - timedelta(days=1))
    assert engine._claim_slot(device, 5, 1, today) == 0.0  # a new day starts from one
    assert DevicePace.objects.get(device=device).sent_today == 1
