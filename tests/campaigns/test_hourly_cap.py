"""The hourly cap per number (#14, "packages"): at most N sends of a number in an hour from the package's first
send, then a pause until that hour is over; on by default; shared by every campaign the number sends."""
from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns import engine
from campaigns.eta import campaign_eta
from campaigns.models import HOURLY_CAP_DEFAULT, Campaign, DevicePace, Recipient

from .helpers import sent_to, start

pytestmark = pytest.mark.django_db


def _sent_times(campaign):
    return sorted(Recipient.objects.filter(campaign=campaign, status=Recipient.Status.SENT)
                  .values_list("sent_at", flat=True))


def test_a_number_sends_its_package_then_pauses_until_the_hour_is_over(driver, waha, workspace, owner,
                                                                      make_device, make_contacts):
    make_device(workspace)
    make_contacts(workspace, 7)
    campaign = start(driver, workspace, owner, delay=(10, 10), hourly_cap_per_device=3)
    driver.run()
    times = _sent_times(campaign)
    assert len(times) == 7 and len(set(sent_to(waha))) == 7
    first = times[0]
    # Three in the first package, the fourth only when an hour since the package's first send is over.
    assert times[2] - first < timedelta(minutes=1)
    assert times[3] - first >= timedelta(hours=1)
    assert times[5] - times[3] < timedelta(minutes=1)
    assert times[6] - times[3] >= timedelta(hours=1)
    # At no point more than three in any hour.
    for i in range(len(times) - 3):
        assert times[i + 3] - times[i] >= timedelta(hours=1)


def test_the_pause_moves_the_work_to_another_number(driver, waha, workspace, owner, make_device, make_contacts):
    make_device(workspace)
    make_device(workspace)
    make_contacts(workspace, 4)
    campaign = start(driver, workspace, owner, delay=(10, 10), hourly_cap_per_device=2)
    driver.run()
    times = _sent_times(campaign)
    assert len(times) == 4
    assert times[-1] - times[0] < timedelta(minutes=5)  # two numbers, two each: nobody waits an hour
    per_device = Recipient.objects.filter(campaign=campaign).values_list("device_used", flat=True)
    assert sorted(list(per_device).count(d) for d in set(per_device)) == [2, 2]


def test_every_campaign_of_a_number_shares_its_hour(driver, waha, workspace, owner, make_device, make_contacts):
    device = make_device(workspace)
    make_contacts(workspace, 2, tags=("A",))
    make_contacts(workspace, 2, tags=("B",), start=10)
    first = start(driver, workspace, owner, tags=("A",), delay=(10, 10), hourly_cap_per_device=3)
    second = start(driver, workspace, owner, tags=("B",), delay=(10, 10), hourly_cap_per_device=3)
    driver.run(until=timezone.now() + timedelta(minutes=30))
    sent = Recipient.objects.filter(campaign__in=[first, second], status=Recipient.Status.SENT).count()
    assert sent == 3
    pace = DevicePace.objects.get(device=device)
    assert pace.sent_this_hour == 3
    waiting = Recipient.objects.filter(campaign__in=[first, second], status=Recipient.Status.PENDING)
    assert waiting.count() == 1
    driver.run()
    assert Recipient.objects.filter(campaign__in=[first, second], status=Recipient.Status.SENT).count() == 4


def test_no_hourly_cap_when_it_is_zero(driver, waha, workspace, owner, make_device, make_contacts):
    make_device(workspace)
    make_contacts(workspace, 5)
    campaign = start(driver, workspace, owner, delay=(10, 10), hourly_cap_per_device=0)
    driver.run()
    times = _sent_times(campaign)
    assert len(times) == 5 and times[-1] - times[0] < timedelta(minutes=2)


def test_the_cap_is_a_condition_of_holding_the_slot(workspace, make_device):
    """A duplicate delivery that read the package before the first counted is refused by the UPDATE itself;
    a package an hour old starts again from one."""
    device = make_device(workspace)
    today = engine.windows.local_now(workspace).date()
    now = timezone.now()
    DevicePace.objects.create(device=device, hour_started_at=now - timedelta(minutes=59), sent_this_hour=3)
    assert engine._claim_slot(device, 5, 0, today, 3) == "hourly_cap"
    assert DevicePace.objects.get(device=device).sent_this_hour == 3
    assert engine._claim_slot(device, 5, 0, today, 4) == 0.0
    assert DevicePace.objects.get(device=device).sent_this_hour == 4
    DevicePace.objects.filter(device=device).update(next_send_at=None, hour_started_at=now - timedelta(minutes=61))
    assert engine._claim_slot(device, 5, 0, today, 3) == 0.0
    pace = DevicePace.objects.get(device=device)
    assert pace.sent_this_hour == 1 and pace.hour_started_at > now - timedelta(seconds=5)


def test_a_send_that_never_reached_waha_gives_its_hour_back(driver, waha, workspace, owner, make_device,
                                                           make_contacts, settings):
    settings.SEBAR_RETRY_BACKOFF_SECONDS = 7
    device = make_device(workspace)
    make_contacts(workspace, 2)
    waha.set_faults(send_503=1)  # refused before WAHA did anything
    campaign = start(driver, workspace, owner, delay=(1, 1), hourly_cap_per_device=2)
    driver.run()
    times = _sent_times(campaign)
    assert len(times) == 2 and times[-1] - times[0] < timedelta(minutes=5)  # the refused send cost no unit
    assert DevicePace.objects.get(device=device).sent_this_hour == 2


def test_the_waiting_rows_say_why(driver, waha, workspace, owner, make_device, make_contacts):
    make_device(workspace)
    make_contacts(workspace, 3)
    campaign = start(driver, workspace, owner, delay=(10, 10), hourly_cap_per_device=1, typing_simulation=True)
    driver.run(max_steps=40)
    reasons = set(Recipient.objects.filter(campaign=campaign, status=Recipient.Status.PENDING)
                  .exclude(error_code="").values_list("error_code", flat=True))
    assert reasons <= {"hourly_cap"}


def test_eta_counts_the_hourly_cap(workspace, make_device):
    device = make_device(workspace)
    campaign = Campaign.objects.create(workspace=workspace, name="c", message_template="Hi",
                                       status=Campaign.Status.PROCESSING, delay_min=10, delay_max=10,
                                       hourly_cap_per_device=60)
    campaign.devices.set([device])
    now = timezone.now()
    assert campaign_eta(campaign, 120, now) == now + timedelta(hours=2)  # 60 an hour, not 360
    campaign.hourly_cap_per_device = 0
    assert campaign_eta(campaign, 120, now) == now + timedelta(seconds=1200)


def test_on_by_default_in_the_api_and_the_composer(owner_api, owner_client, workspace, make_device, make_contacts):
    make_device(workspace)
    make_contacts(workspace, 1)
    made = owner_api.post("/api/campaign/start", {"name": "a", "message": "Hi", "tags": ["VIP"], "draft": True},
                          format="json")
    assert made.status_code == 201, made.content
    assert made.json()["hourly_cap_per_device"] == HOURLY_CAP_DEFAULT
    off = owner_api.post("/api/campaign/start", {"name": "b", "message": "Hi", "tags": ["VIP"], "draft": True,
                                             "hourly_cap_per_device": 0}, format="json")
    assert off.json()["hourly_cap_per_device"] == 0
    refused = owner_api.post("/api/campaign/start", {"name": "c", "message": "Hi", "tags": ["VIP"], "draft": True,
                                                 "hourly_cap_per_device": -1}, format="json")
    assert refused.status_code == 400 and "hourly_cap_per_device" in refused.json()["fields"]
    page = owner_client.get("/campaigns/new/").content.decode()
    assert 'name="hourly_cap_per_device"' in page and f'value="{HOURLY_CAP_DEFAULT}"' in page
