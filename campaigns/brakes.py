"""What the engine does about a braked number (devices.health decides the brake; this applies it to a step)."""
from devices import health
from devices.models import Device

from . import windows
from .models import Campaign

BRAKE_POLL_WAIT = 5.0  # a braked number whose brake should have lifted looks again this soon after asking /me


def brake_now(device, now):
    """The device's brake (devices.health.brake_of), recorded on the device when it changed (once per change),
    and whether /me was just asked for because the brake's expected end passed (WhatsApp says if it lifted)."""
    state = health.brake_of(device, now)
    row = health.device_health_of(device)
    polling = False
    if state.level and row is not None and row.brake_until and row.brake_until <= now:
        polling = health.health_poll_soon(device=device, now=now)  # rate-limited: one /me per burst
    health.brake_record(device=device, state=state, now=now)
    return state, polling


def brake_wait(brake, now):
    """How long a braked number with nothing it may send holds: until its brake should lift, at most a recheck."""
    if brake.until is None:
        return windows.RECHECK_SECONDS
    return min(windows.RECHECK_SECONDS, max(1.0, (brake.until - now).total_seconds()))


def campaigns_braked(campaigns, now):
    """Campaigns none of whose numbers may open a chat now say so, with when the first brake should lift."""
    for campaign in campaigns:
        ids = list(campaign.devices.filter(status=Device.Status.CONNECTED, is_active_for_broadcast=True)
                   .values_list("pk", flat=True))
        brakes = health.devices_brakes(ids, now).values()
        if not brakes or not all(b.narrows for b in brakes):
            continue
        ends = [b.until for b in brakes if b.until]
        params = {"until": min(ends).isoformat() if ends else "", "why": sorted({b.code for b in brakes})}
        if campaign.last_error_code != "braked" or campaign.last_error_params != params:
            Campaign.objects.filter(pk=campaign.pk, status=Campaign.Status.PROCESSING).update(
                last_error_code="braked", last_error_params=params, last_error="")
