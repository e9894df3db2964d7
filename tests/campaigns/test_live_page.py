"""The campaign page stays true while it sends: the poll also swaps the actions and the recipients table,
the ETA is honest (under a minute, daily caps), a cancelled run is not "100 %", and a scheduled campaign
shows its audience and no Pause."""
import datetime

import pytest
from django.utils import timezone

from campaigns.eta import campaign_eta
from campaigns.models import Campaign, DevicePace, Recipient

pytestmark = pytest.mark.django_db


def _campaign(workspace, status, **extra):
    return Campaign.objects.create(workspace=workspace, name="Live", message_template="Hi", status=status, **extra)


def test_poll_swaps_actions_and_table_once_completed(owner_client, workspace):
    campaign = _campaign(workspace, Campaign.Status.COMPLETED, finished_at=timezone.now())
    Recipient.objects.create(workspace=workspace, campaign=campaign, phone="6281", name="Ani", status="SENT")
    body = owner_client.get(f"/campaigns/{campaign.pk}/progress/?status=SENT").content.decode()
    assert 'id="campaign-actions" hx-swap-oob="true"' in body and 'id="recipients-table" hx-swap-oob="true"' in body
    assert "/pause/" not in body and "/cancel/" not in body and "Ani" in body
    assert "hx-trigger" not in body  # polling stops


def test_poll_keeps_the_filters_of_the_page(owner_client, workspace):
    campaign = _campaign(workspace, Campaign.Status.PROCESSING)
    Recipient.objects.create(workspace=workspace, campaign=campaign, phone="6281", name="Ani", status="SENT")
    Recipient.objects.create(workspace=workspace, campaign=campaign, phone="6282", name="Budi", status="PENDING")
    body = owner_client.get(f"/campaigns/{campaign.pk}/?status=PENDING").content.decode()
    assert f"/campaigns/{campaign.pk}/progress/?status=PENDING" in body
    poll = owner_client.get(f"/campaigns/{campaign.pk}/progress/?status=PENDING").content.decode()
    assert "Budi" in poll and "Ani" not in poll


def test_under_a_minute_left_is_not_about_0_minutes(owner_client, workspace, make_device):
    device = make_device(workspace)
    campaign = _campaign(workspace, Campaign.Status.PROCESSING, delay_min=1, delay_max=1)
    campaign.devices.set([device])
    Recipient.objects.create(workspace=workspace, campaign=campaign, phone="6282", name="Budi", status="PENDING")
    body = owner_client.get(f"/campaigns/{campaign.pk}/progress/").content.decode()
    assert "less than a minute left" in body and "0 minutes" not in body


def test_cancelled_campaign_is_not_100_percent(owner_client, workspace):
    campaign = _campaign(workspace, Campaign.Status.CANCELLED, finished_at=timezone.now())
    Recipient.objects.create(workspace=workspace, campaign=campaign, phone="6281", status="SENT")
    for i in range(3):
        Recipient.objects.create(workspace=workspace, campaign=campaign, phone=f"628{i + 2}", status="SKIPPED")
    body = owner_client.get(f"/campaigns/{campaign.pk}/progress/").content.decode()
    assert "25%" in body and "100%" not in body


def test_eta_spreads_over_the_days_the_cap_allows(workspace, make_device):
    device = make_device(workspace)
    campaign = _campaign(workspace, Campaign.Status.PROCESSING, delay_min=10, delay_max=10, daily_cap_per_device=200,
                         hourly_cap_per_device=0)
    campaign.devices.set([device])
    now = datetime.datetime(2026, 6, 1, 3, 0, tzinfo=datetime.UTC)  # 10:00 in Jakarta
    DevicePace.objects.create(device=device, day=datetime.date(2026, 6, 1), sent_today=150)
    # 50 more today, then 200 a day: 1,000 pending ends on the fifth day after, not in 10,000 s (< 3 h).
    eta = campaign_eta(campaign, 1000, now)
    assert eta.astimezone(workspace.zone).date() == datetime.date(2026, 6, 6)
    assert campaign_eta(campaign, 40, now) == now + datetime.timedelta(seconds=400)
    campaign.daily_cap_per_device = 0
    assert campaign_eta(campaign, 1000, now) == now + datetime.timedelta(seconds=10_000)
    # An hourly cap of 100 holds the number to 100 an hour although its delays would give 360.
    campaign.hourly_cap_per_device = 100
    assert campaign_eta(campaign, 1000, now) == now + datetime.timedelta(hours=10)


def test_scheduled_campaign_shows_its_audience_and_no_pause(owner_client, workspace, make_contacts):
    make_contacts(workspace, 3, tags=["VIP"])
    campaign = _campaign(workspace, Campaign.Status.SCHEDULED, target_tags=["VIP"],
                         scheduled_at=timezone.now() + datetime.timedelta(days=1))
    body = owner_client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert 'data-testid="total">3<' in body and "counted again at start" in body
    assert "/pause/" not in body and "/cancel/" in body
