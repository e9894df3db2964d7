"""When a sending campaign should finish: its pace over its numbers, and, when it has a daily cap per
number, the days that cap spreads the rest over (a 1,000-recipient campaign capped at 200 a day on one
number takes five days, not the hour its delays alone would give)."""
import math
from datetime import timedelta

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from devices.models import Device

from . import windows
from .models import Campaign, DevicePace


def campaign_eta(campaign, pending, now=None):
    """The expected finish (an aware datetime), or None when nothing is sending."""
    if not pending or campaign.status != Campaign.Status.PROCESSING:
        return None
    now = now or timezone.now()
    if campaign.last_error_code == "braked" and (campaign.last_error_params or {}).get("until"):
        # Every number is braked: nothing goes before the first brake should lift.
        now = max(now, parse_datetime(campaign.last_error_params["until"]) or now)
    devices = list(campaign.devices.filter(status=Device.Status.CONNECTED, is_active_for_broadcast=True)
                   .values_list("pk", flat=True))
    count = max(1, len(devices))

    # An hourly cap slows a number to at most that many an hour, whatever its delays.
    hourly = campaign.hourly_cap_per_device
    per_message = max(campaign.mean_delay, 3600 / hourly) if hourly else campaign.mean_delay

    def pace(messages):
        return timedelta(seconds=messages * per_message / count)

    cap = campaign.daily_cap_per_device
    if not cap:
        return now + pace(pending)
    local = windows.local_now(campaign.workspace, now)
    used = dict(DevicePace.objects.filter(device_id__in=devices, day=local.date())
                .values_list("device_id", "sent_today"))
    room_today = sum(max(0, cap - used.get(pk, 0)) for pk in devices) if devices else cap
    if pending <= room_today:
        return now + pace(pending)
    days = math.ceil((pending - room_today) / (cap * count))
    last_day = (pending - room_today) - (days - 1) * cap * count
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    start = (midnight + timedelta(days=days)).astimezone(local.tzinfo)
    return start + pace(last_day)
