"""Counting clicks off the request path: one RPUSH per click, written to the database in batches.

The redirect pushes a small JSON record onto one Redis list (in the same script that moves a sequential
link's counter, so a click costs one Redis round trip). `clicks_flush()` (a beat task every few
seconds) reads the head of the list with LRANGE, writes the batch in one transaction, and only then
LTRIMs it away. A crash before the trim leaves the records in Redis for the next run; each record
carries a unique id that `Click.uid` enforces, so a batch that was written but not trimmed is skipped
the second time. Nothing is lost, nothing is counted twice.
"""
import json
import logging
import time
import uuid
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from redis.exceptions import RedisError

from accounts.models import zone_named
from config.redis import Script, get_redis, key, run_script

from . import picking
from .link_config import sequence_key
from .models import Click, DailyClicks, LinkRotator, RotatorNumber

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
MAX_BATCHES_PER_RUN = 50
LOCK_SECONDS = 120


def queue_key():
    return key("rotator", "clicks")


def _lock_key():
    return key("rotator", "flush-lock")


# One round trip per click: (sequential mode) INCR the link's counter to pick the number, then queue the
# click naming that number. Atomic, so concurrent clicks in any number of processes never share a turn.
# KEYS[1] the link's counter, KEYS[2] the click queue. ARGV[1] the record as JSON minus its closing brace,
# ARGV[2] the chosen 0-based index or -1 for "the counter decides", ARGV[3..] candidates as "id:phone".
RECORD_SCRIPT = Script("""
local count = #ARGV - 2
local index = tonumber(ARGV[2])
if index < 0 then index = (redis.call("INCR", KEYS[1]) - 1) % count end
local id, phone = string.match(ARGV[3 + index], "^(%d+):(%d+)$")
redis.call("RPUSH", KEYS[2], ARGV[1] .. ',"n":' .. id .. ',"p":"' .. phone .. '"}')
return index
""")
# Trim the flushed head only while still holding the flush lock, and extend the lock for the next batch:
# a flusher whose lock expired mid-batch must not trim records that another flusher read after it.
TRIM_SCRIPT = """
if redis.call("GET", KEYS[1]) ~= ARGV[1] then return 0 end
redis.call("LTRIM", KEYS[2], tonumber(ARGV[2]), -1)
redis.call("EXPIRE", KEYS[1], tonumber(ARGV[3]))
return 1
"""
RELEASE_SCRIPT = """
if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end
return 0
"""
_scripts = {}


def _script(redis, source):
    cache = (id(redis.connection_pool), source)
    if cache not in _scripts:
        _scripts[cache] = redis.register_script(source)
    return _scripts[cache]


def record_click(*, config, numbers, index, referrer, agent, is_bot):
    """Queue one click and return the number entry it was sent to (`index` from picking.choose)."""
    prefix = json.dumps({"u": uuid.uuid4().hex, "r": config["id"], "w": config["ws"], "t": round(time.time(), 3),
                         "f": (referrer or "")[:300], "a": agent, "b": 1 if is_bot else 0},
                        separators=(",", ":"))[:-1]
    # On the thread's own connection: this is the redirect's only I/O (see config.redis.run_script).
    try:
        chosen = run_script(RECORD_SCRIPT, (sequence_key(config["id"]), queue_key()),
                            (prefix, index, *[f"{n[0]}:{n[1]}" for n in numbers]))
    except RedisError as exc:
        return _record_without_redis(prefix, config, numbers, index, exc)
    return numbers[int(chosen)]


def _record_without_redis(prefix, config, numbers, index, exc):
    """Redis is down: an ad's visitor still gets a number, and the click is written to the database now.

    Slower, and a sequential link cannot keep its strict turn without the shared counter (a random
    number stands in), but nobody paid for a click that ended on an error page and nothing is lost.
    """
    logger.warning("Redis unavailable for a link click (%s); writing it to the database directly", exc)
    if index == picking.BY_COUNTER:
        index = picking.choose(config, numbers, advance=False)  # what a link-preview bot gets: a random one
    number = numbers[index]
    write_batch([f'{prefix},"n":{int(number[0])},"p":{json.dumps(str(number[1]))}}}'])
    return number


def pending():
    return get_redis().llen(queue_key())


def clicks_flush(batch_size=BATCH_SIZE, max_batches=MAX_BATCHES_PER_RUN):
    """Write queued clicks to the database; returns how many records were consumed."""
    redis = get_redis()
    token = uuid.uuid4().hex
    if not redis.set(_lock_key(), token, nx=True, ex=LOCK_SECONDS):
        return 0  # another flusher is at work; the next beat picks up what it leaves
    consumed = 0
    try:
        for _ in range(max_batches):
            raw = redis.lrange(queue_key(), 0, batch_size - 1)
            if not raw:
                break
            write_batch(raw)
            # Only after the commit: a crash before this line means the batch is re-read and skipped by uid.
            if not trim_head(redis, token, len(raw)):
                logger.warning("Click flush lost its lock after %s s; the next run carries on", LOCK_SECONDS)
                break
            consumed += len(raw)
            if len(raw) < batch_size:
                break
    finally:
        _script(redis, RELEASE_SCRIPT)(keys=[_lock_key()], args=[token], client=redis)
    return consumed


def trim_head(redis, token, count):
    """Drop the first `count` queued clicks if this flusher still holds the lock; True when it did."""
    return bool(_script(redis, TRIM_SCRIPT)(keys=[_lock_key(), queue_key()], args=[token, count, LOCK_SECONDS],
                                            client=redis))


def _parse(raw):
    try:
        item = json.loads(raw)
        return {"uid": str(item["u"])[:32], "rotator_id": int(item["r"]), "workspace_id": int(item["w"]),
                "at": datetime.fromtimestamp(float(item["t"]), tz=UTC),
                "number_id": int(item["n"]) if item.get("n") else None, "phone": str(item.get("p") or "")[:20],
                "referrer": str(item.get("f") or "")[:300], "agent": str(item.get("a") or "other")[:8],
                "is_bot": bool(item.get("b"))}
    except (ValueError, KeyError, TypeError):
        logger.warning("Dropping an unreadable click record: %r", raw[:200])
        return None


def _host(referrer):
    try:
        return (urlsplit(referrer).hostname or "")[:120]
    except ValueError:
        return ""


def write_batch(raw_records):
    """Write one batch in one transaction: Click rows, link counters and daily totals."""
    records, seen = [], set()
    for raw in raw_records:
        item = _parse(raw)
        if item and item["uid"] not in seen:
            seen.add(item["uid"])
            records.append(item)
    if not records:
        return 0
    with transaction.atomic():
        done = set(Click.objects.filter(uid__in=[r["uid"] for r in records]).values_list("uid", flat=True))
        records = [r for r in records if r["uid"] not in done]
        # Links (or numbers) deleted since the click: the click goes with them.
        links = LinkRotator.objects.filter(pk__in={r["rotator_id"] for r in records}).values_list(
            "pk", "workspace_id", "workspace__time_zone")
        live, zones = {}, {}
        for pk, workspace_id, time_zone in links:
            live[pk], zones[pk] = workspace_id, zone_named(time_zone)
        records = [r for r in records if r["rotator_id"] in live]
        if not records:
            return 0
        numbers = set(RotatorNumber.objects.filter(pk__in={r["number_id"] for r in records if r["number_id"]})
                      .values_list("pk", flat=True))
        Click.objects.bulk_create([
            Click(uid=r["uid"], workspace_id=live[r["rotator_id"]], rotator_id=r["rotator_id"],
                  number_id=r["number_id"] if r["number_id"] in numbers else None, phone=r["phone"], at=r["at"],
                  referrer=r["referrer"], referrer_host=_host(r["referrer"]), agent=r["agent"],
                  is_preview_bot=r["is_bot"])
            for r in records
        ], batch_size=500)
        humans, bots = Counter(), Counter()
        daily = defaultdict(lambda: [0, 0])
        for r in records:
            (bots if r["is_bot"] else humans)[r["rotator_id"]] += 1
            # Days as the shop lives them: a click at 20:00 UTC is the next morning in Jakarta.
            day = r["at"].astimezone(zones[r["rotator_id"]]).date()
            daily[(r["rotator_id"], day, r["phone"])][1 if r["is_bot"] else 0] += 1
        for rotator_id in set(humans) | set(bots):
            LinkRotator.objects.filter(pk=rotator_id).update(click_count=F("click_count") + humans[rotator_id],
                                                             bot_click_count=F("bot_click_count") + bots[rotator_id])
        for (rotator_id, day, phone), (people, robots) in daily.items():
            updated = DailyClicks.objects.filter(rotator_id=rotator_id, day=day, phone=phone).update(
                clicks=F("clicks") + people, bot_clicks=F("bot_clicks") + robots)
            if not updated:
                DailyClicks.objects.create(workspace_id=live[rotator_id], rotator_id=rotator_id, day=day,
                                           phone=phone, clicks=people, bot_clicks=robots)
    return len(records)


PRUNE_BATCH = 5000


def clicks_prune(now=None):
    """Delete click details older than ROTATOR_CLICK_RETENTION_DAYS, in batches; returns how many.

    The charts read DailyClicks and the links' counters, which stay: only the per-click rows (referrer,
    user agent) go, so a link clicked for years does not grow its table for ever.
    """
    cutoff = (now or timezone.now()) - timedelta(days=settings.ROTATOR_CLICK_RETENTION_DAYS)
    deleted = 0
    while pks := list(Click.objects.filter(at__lt=cutoff).values_list("pk", flat=True)[:PRUNE_BATCH]):
        deleted += Click.objects.filter(pk__in=pks).delete()[0]
    return deleted
