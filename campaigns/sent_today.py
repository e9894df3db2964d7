"""Messages a workspace sent today (its time zone), for the plan's daily limit checked before every send.

Counting the day's rows on every send grows with the day: on a 100,000-message day each send would count
up to 100,000 index entries. So the engine reads a Redis counter per workspace and local day, and adds one
after each send. Redis is not the truth: a missing counter (first send of the day, a flushed Redis) is
rebuilt from the rows, so losing it costs one count, never a wrong limit.
"""
from django.utils import timezone

from config.redis import get_redis, key

from . import windows

KEEP_SECONDS = 2 * 24 * 3600  # a day's counter outlives its day, whatever the time zone
# INCR only a counter that exists: a missing one is rebuilt from the rows, which already hold this send.
_INCR_IF_PRESENT = "if redis.call('exists', KEYS[1]) == 1 then return redis.call('incr', KEYS[1]) end return nil"
_scripts = {}


def _key(workspace, now=None):
    return key("sent-today", workspace.pk, windows.local_now(workspace, now).date().isoformat())


def count_from_rows(workspace, now=None):
    from .models import Recipient

    local = windows.local_now(workspace, now)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return Recipient.objects.for_workspace(workspace).filter(sent_at__gte=midnight).count()


def sent_today(workspace, now=None):
    redis, name = get_redis(), _key(workspace, now)
    value = redis.get(name)
    if value is not None:
        return int(value)
    counted = count_from_rows(workspace, now)
    if redis.set(name, counted, nx=True, ex=KEEP_SECONDS):
        return counted
    return int(redis.get(name) or counted)  # another process rebuilt it first


def note_sent(workspace, now=None):
    redis = get_redis()
    script = _scripts.get(id(redis))
    if script is None:
        script = _scripts[id(redis)] = redis.register_script(_INCR_IF_PRESENT)
    script(keys=[_key(workspace, now or timezone.now())])
