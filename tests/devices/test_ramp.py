"""Warm-up ramps (issue 14): a new or re-linked number starts on its plan's ramp, climbs a day only while healthy,
holds or steps back otherwise, once per local day (frozen time); the plan limits how many warm at once and its
ramp is validated; the engine obeys the ramp like a daily cap."""
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from billing.errors import LimitReached
from billing.models import DEFAULT_WARMUP_RAMP, Package
from campaigns.models import Recipient
from devices import ramp
from devices.models import Device, DeviceHealth, DeviceHealthEvent, WahaServer
from devices.services import device_status_apply
from tests.campaigns.conftest import driver, make_contacts, make_device, waha, waha_server  # noqa: F401
from tests.campaigns.helpers import sent_to, start

# The marker, not only the db fixture: the autouse seeding in tests/conftest.py finds the seeded plans by it.
pytestmark = pytest.mark.django_db


def _me(phone):
    return {"id": f"{phone}@c.us", "pushName": "Shop"}


@pytest.fixture
def server(db):
    return WahaServer.objects.create(name="ramp-tests", base_url="http://waha.invalid", api_key="k")


@pytest.fixture
def device(workspace, server):
    return Device.objects.create(workspace=workspace, server=server, session_name="ws-r-1", label="Sales",
                                 status=Device.Status.DISCONNECTED, waha_status="SCAN_QR_CODE")


def _health(device):
    return DeviceHealth.objects.get(device=device)


def _next_local_day(workspace, days=1, hour=0, minute=5):
    local = timezone.now().astimezone(workspace.zone)
    return (local.replace(hour=hour, minute=minute, second=0, microsecond=0) + timedelta(days=days))


def _set_score(device, score):
    DeviceHealth.objects.filter(device=device).update(score=score)


def test_a_first_link_starts_the_ramp_a_reconnect_does_not_a_relink_restarts(device):
    device_status_apply(device=device, status="WORKING", me=_me("6281200000001"))
    row = _health(device)
    assert (row.ramp_day, row.ramp_cap, row.ramp_note["code"]) == (0, DEFAULT_WARMUP_RAMP[0], "started")
    DeviceHealth.objects.filter(pk=row.pk).update(ramp_day=2, ramp_cap=80)
    device_status_apply(device=device, status="STOPPED", at=timezone.now() + timedelta(seconds=1))
    device_status_apply(device=device, status="WORKING", me=_me("6281200000001"),
                        at=timezone.now() + timedelta(seconds=2))
    assert _health(device).ramp_cap == 80  # the same phone came back: no new ramp
    device_status_apply(device=device, status="STOPPED", at=timezone.now() + timedelta(seconds=3))
    device_status_apply(device=device, status="WORKING", me=_me("6281299999999"),
                        at=timezone.now() + timedelta(seconds=4))
    row = _health(device)
    assert (row.ramp_day, row.ramp_cap) == (0, 20)  # another phone: day 1 again
    assert DeviceHealthEvent.objects.filter(device=device, kind="RAMP", code="started").count() == 2


def test_climbs_while_healthy_holds_then_steps_back_once_a_local_day(workspace, device):
    with time_machine.travel(_next_local_day(workspace, days=0, hour=10), tick=False) as clock:
        ramp.ramp_start(device=device)
        assert ramp.ramp_evaluate_due() == 0  # started today: evaluated from tomorrow
        clock.move_to(_next_local_day(workspace))
        assert ramp.ramp_evaluate_due() == 1
        assert ramp.ramp_evaluate_due() == 0  # twice the same day changes nothing
        row = _health(device)
        assert (row.ramp_day, row.ramp_cap, row.ramp_note["code"]) == (1, 40, "climbed")
        clock.move_to(_next_local_day(workspace))
        _set_score(device, 70)  # below the climb threshold, above the step-back one
        ramp.ramp_evaluate_due()
        row = _health(device)
        assert (row.ramp_day, row.ramp_cap, row.ramp_note) == (1, 40, {"code": "held", "params": {
            "score": 70, "threshold": 80, "cap": 40}})
        clock.move_to(_next_local_day(workspace))
        _set_score(device, 30)
        ramp.ramp_evaluate_due()
        row = _health(device)
        assert (row.ramp_day, row.ramp_cap, row.ramp_note["code"]) == (0, 20, "stepped_back")
        assert list(DeviceHealthEvent.objects.filter(device=device, kind="RAMP").order_by("at", "pk")
                    .values_list("code", flat=True)) == ["started", "climbed", "held", "stepped_back"]


def test_the_ramp_ends_below_the_plans_daily_messages_and_then_the_number_is_warm(workspace, device):
    free = Package.objects.get(code="free")
    free.features = {**free.features, "daily_messages": 100}
    free.warmup_ramp = [10, 50, 100, 500]
    free.full_clean()
    free.save()
    assert free.ramp == [10, 50]
    with time_machine.travel(_next_local_day(workspace, days=0, hour=9), tick=False) as clock:
        ramp.ramp_start(device=device)
        for _day in range(2):
            clock.move_to(_next_local_day(workspace))
            ramp.ramp_evaluate_due()
        row = _health(device)
        assert (row.ramp_day, row.ramp_cap, row.ramp_note["code"]) == (None, None, "finished")
        assert ramp.warming_count(workspace) == 0


@pytest.mark.parametrize("value", ["20,40", [20, 0], [40, 20], [20, True], {"a": 1}, list(range(1, 70))])
def test_a_bad_ramp_says_what_to_fix(value):
    package = Package(code="x", name="X", warmup_ramp=value)
    with pytest.raises(ValidationError) as err:
        package.clean()
    assert "warmup_ramp" in err.value.message_dict


def test_the_plan_limits_numbers_warming_at_once(workspace, server):
    first = Device.objects.create(workspace=workspace, server=server, session_name="ws-r-a")
    second = Device.objects.create(workspace=workspace, server=server, session_name="ws-r-b")
    ramp.ramp_start(device=first)
    with pytest.raises(LimitReached) as err:
        ramp.ramp_start(device=second)
    assert err.value.resource == "warming" and err.value.limit == 1
    row = ramp.ramp_start(device=second, auto=True)  # a number that linked: no ramp, and its page says why
    assert row.ramp_cap is None and row.ramp_note == {"code": "limit", "params": {"limit": 1}}
    ramp.ramp_stop(device=first)
    assert ramp.ramp_start(device=second).ramp_cap == 20


def test_the_engine_obeys_the_ramp_like_a_daily_cap(driver, waha, workspace, owner, make_device,  # noqa: F811
                                                    make_contacts):  # noqa: F811
    device = make_device(workspace)
    ramp.ramp_start(device=device)
    DeviceHealth.objects.filter(device=device).update(ramp_cap=2)
    make_contacts(workspace, 3)
    campaign = start(driver, workspace, owner, delay=(1, 1), daily_cap_per_device=10)
    driver.run(until=_next_local_day(workspace, minute=0) - timedelta(seconds=2))
    assert len(sent_to(waha)) == 2
    assert Recipient.objects.filter(campaign=campaign, status=Recipient.Status.PENDING).count() == 1
    ramp.ramp_evaluate_due()  # tomorrow (the workspace's day): healthy, so day 2 of the ramp
    driver.run()
    assert sorted(Recipient.objects.filter(campaign=campaign).values_list("status", flat=True)) == ["SENT"] * 3
