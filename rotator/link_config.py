"""The cached shape of a link that the public redirect reads, so a click costs no database query.

One Redis string per slug holds what picking needs (mode, text, numbers with weights and whether their
device is connected). Services forget it on every save; a slug that does not exist is cached briefly too,
so bots probing random slugs cannot reach the database. Device status can change by bulk updates that
bypass any hook, so links that route only to connected numbers keep their entry for a short time.

A forget that cannot reach Redis is logged and the save goes on: it has committed, and refusing it would not
bring the old copy back. The copy Redis may still hold (a blip, or a restart from its snapshot) is what
bounds how long visitors can be sent to the old numbers, so every entry expires within a minute: a popular
link then costs one database read a minute for the whole platform.

Each web process also keeps what it read for LOCAL_SECONDS: a Redis round trip costs as much as the rest
of the redirect, so a popular link is read from Redis once per process every two seconds instead of on
every click. An edit therefore reaches other processes within LOCAL_SECONDS (this process at once).
"""
import json
import logging
import time

from redis.exceptions import RedisError

from config.redis import get_redis, key

from .models import LinkRotator

logger = logging.getLogger(__name__)

TTL_SECONDS = 60
TTL_ONLY_CONNECTED = 15
TTL_MISSING = 30
LOCAL_SECONDS = 2.0
LOCAL_MAX_ENTRIES = 5000
_MISSING = b"-"
# cache key -> (monotonic expiry, config or None); keyed by the full Redis key so prefixes stay apart.
_local = {}


def cache_key(slug):
    return key("rotator", "cfg", slug)


def sequence_key(rotator_id):
    return key("rotator", "seq", rotator_id)


def build(rotator):
    """The cache entry for one rotator (reads its numbers and their devices' status)."""
    numbers = []
    for n in rotator.numbers.select_related("device").order_by("position", "pk"):
        connected = bool(n.device_id and n.device.is_connected)
        numbers.append([n.pk, n.phone, n.weight, connected])
    return {"id": rotator.pk, "ws": rotator.workspace_id, "active": rotator.is_active, "mode": rotator.mode,
            "text": rotator.text, "only_connected": rotator.only_connected, "numbers": numbers}


def load(slug):
    """The config for `slug`, or None when no such link exists: from this process, else Redis, else the DB."""
    cache = cache_key(slug)
    hit = _local.get(cache)
    now = time.monotonic()
    if hit is not None and hit[0] > now:
        return hit[1]
    config = _load_shared(slug, cache)
    if len(_local) >= LOCAL_MAX_ENTRIES:
        _local.clear()
    _local[cache] = (now + LOCAL_SECONDS, config)
    return config


def _load_shared(slug, cache):
    redis = get_redis()
    try:
        raw = redis.get(cache)
    except RedisError as exc:
        # Redis down: links keep working from the database (and this process's short cache).
        logger.warning("Redis unavailable reading link %r (%s); reading the database", slug, exc)
        return _from_database(slug)
    if raw == _MISSING:
        return None
    if raw is not None:
        return json.loads(raw)
    config = _from_database(slug)
    try:
        if config is None:
            redis.set(cache, _MISSING, ex=TTL_MISSING)
        else:
            ttl = TTL_ONLY_CONNECTED if config["only_connected"] else TTL_SECONDS
            redis.set(cache, json.dumps(config, separators=(",", ":")), ex=ttl)
    except RedisError as exc:
        logger.warning("Redis unavailable caching link %r (%s)", slug, exc)
    return config


def _from_database(slug):
    rotator = LinkRotator.objects.filter(slug=slug).first()
    return build(rotator) if rotator is not None else None


def forget(*slugs):
    keys = [cache_key(s) for s in slugs if s]
    for k in keys:
        _local.pop(k, None)
    if not keys:
        return
    try:
        get_redis().delete(*keys)
    except RedisError as exc:
        # After the commit there is nothing to undo, and the copy expires within TTL_SECONDS (see above).
        logger.warning("Redis unavailable: could not forget the cached copy of link %s (%s); it expires "
                       "within %s s", ", ".join(repr(s) for s in slugs if s), exc, TTL_SECONDS)
