"""Messages a workspace sent today (its time zone), and the plan's daily budget taken one unit per send.

Counting the day's rows on every send grows with the day: on a 100,000-message day each send would count
up to 100,000 index entries. So the engine keeps a Redis counter per workspace and local day.

A unit is taken (`reserve`) before a send leaves, in one script that compares and increments, so
concurrent workers of many devices can never pass the limit together: checking when a device prepares and
counting after its send let every device that prepared at once send (limit 2, 4 devices: 4 sent). A send
that provably never reached WAHA, or a row released or reaped before its send, gives its unit back
(`give_back`); a send whose outcome is unknown keeps it, since WhatsApp may have taken it.

Redis is not the truth: a missing counter (first send of the day, a flushed Redis) is rebuilt from the
rows (sent today, plus sends in flight or of unknown outcome attempted today), so losing it costs at most
the units of sends between their reservation and their attempt mark, never a wrong limit for long.
"""
from django.db.models import Q
from django.utils import timezone

from config.redis import get_redis, key
from devices import ramp

from . import windows
from .models import Recipient

KEEP_SECONDS = 2 * 24 * 3600  # a day's counter outlives its day, whatever the time zone
NO_LIMIT = -1
# Take one unit if fewer than ARGV[1] are used (NO_LIMIT: always). -1 when the counter is missing (the
# caller rebuilds it from the rows and asks again), 0 when the budget is used up, 1 when the unit is taken.
_RESERVE = """
local used = redis.call('get', KEYS[1])
if not used then return -1 end
local limit = tonumber(ARGV[1])
if limit >= 0 and tonumber(used) >= limit then return 0 end
redis.call('incr', KEYS[1])
return 1
"""
# Give a unit back to a counter that exists (a rebuilt one never held it) and never below zero.
_GIVE_BACK = """
local used = tonumber(redis.call('get', KEYS[1]) or '0')
if used > 0 then return redis.call('decr', KEYS[1]) end
return 0
"""
_scripts = {}


def _script(source):
    redis = get_redis()
    script = _scripts.get((id(redis), source))
    if script is None:
        script = _scripts[(id(redis), source)] = redis.register_script(source)
    return script


def _key(workspace, now=None):
    return key("sent-today", workspace.pk, windows.local_now(workspace, now).date().isoformat())


def count_from_rows(workspace, now=None):
    """Sends of today in the rows: those sent, and those attempted today whose unit is still taken."""
    local = windows.local_now(workspace, now)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    in_flight = Q(status=Recipient.Status.SENDING) | Q(status=Recipient.Status.FAILED,
                                                       error_code=Recipient.OUTCOME_UNKNOWN)
    return Recipient.objects.for_workspace(workspace).filter(
        Q(sent_at__gte=midnight) | (in_flight & Q(sent_at__isnull=True, attempted_at__gte=midnight))).count()


def _rebuild(workspace, name, now):
    redis = get_redis()
    counted = count_from_rows(workspace, now)
    if redis.set(name, counted, nx=True, ex=KEEP_SECONDS):
        return counted
    return int(redis.get(name) or counted)  # another process rebuilt it first


def sent_today(workspace, now=None):
    """Units of today's budget taken: messages sent and sends in flight."""
    value = get_redis().get(name := _key(workspace, now))
    return int(value) if value is not None else _rebuild(workspace, name, now)


def reserve(workspace, limit, now=None):
    """Take one unit of today's budget before a send; `limit` None = unlimited (still counted).

    Returns the counter's key, to hand to `give_back` (the unit is returned to the day it was taken from,
    even after midnight), or None when today's `limit` is used up.
    """
    name = _key(workspace, now or timezone.now())
    args = [NO_LIMIT if limit is None else limit]
    taken = _script(_RESERVE)(keys=[name], args=args)
    if taken == -1:
        _rebuild(workspace, name, now)
        taken = _script(_RESERVE)(keys=[name], args=args)
    return name if taken == 1 else None


def give_back(reserved):
    """Return a unit `reserve` took: its send never reached WAHA, or never happened."""
    if reserved:
        _script(_GIVE_BACK)(keys=[reserved])


def seconds_blocked(campaign, device, pace, now, limit):
    """0 when the device may send for this campaign now; otherwise seconds until it may. `limit` is the
    plan's daily messages (billing.limits.limit_for), read once by the caller for all its campaigns."""
    local = windows.local_now(device.workspace, now)
    quiet = windows.quiet_seconds(campaign, local)
    if quiet:
        return quiet
    cap, _why = ramp.cap_for(campaign.daily_cap_per_device, device)
    if cap and pace.day == local.date() and pace.sent_today >= cap:
        return windows.seconds_to_midnight(local)
    hourly, started = campaign.hourly_cap_per_device, pace.hour_started_at
    if hourly and started and started > now - windows.HOUR and pace.sent_this_hour >= hourly:
        return max(0.001, (started + windows.HOUR - now).total_seconds())
    if limit is not None and sent_today(device.workspace, now) >= limit:
        return min(windows.RECHECK_SECONDS, windows.seconds_to_midnight(local))
    return 0.0
