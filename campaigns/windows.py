"""Time in the workspace's zone: quiet hours and the day's edges. Each returns the seconds until sending may
resume, so the engine re-arms for then instead of dropping anything; sent_today.seconds_blocked adds the daily
cap and the plan's budget (it sits above this module, which imports nothing of the app).
"""
from datetime import datetime, time, timedelta

from django.utils import timezone

HOUR = timedelta(hours=1)  # an hourly package's length, from its first send
RECHECK_SECONDS = 300  # how often a held device looks again (the plan may be upgraded meanwhile)


def zone(workspace):
    return workspace.zone


def local_now(workspace, now=None):
    return (now or timezone.now()).astimezone(zone(workspace))


def _seconds_until(local, target_time):
    target = datetime.combine(local.date(), target_time, tzinfo=local.tzinfo)
    if target <= local:
        target += timedelta(days=1)
    return (target - local).total_seconds()


def in_quiet_hours(campaign, local):
    start, end = campaign.quiet_start, campaign.quiet_end
    if start is None or end is None or start == end:
        return False
    t = local.time()
    if start < end:
        return start <= t < end
    return t >= start or t < end  # spans midnight, e.g. 21:00–08:00


def quiet_seconds(campaign, local):
    """Seconds until quiet hours end (0 when not in them)."""
    if not in_quiet_hours(campaign, local):
        return 0.0
    return _seconds_until(local, campaign.quiet_end)


def seconds_to_midnight(local):
    return _seconds_until(local, time(0, 0))
