"""Fixed-window rate limits kept in the shared cache (Redis), so every web process sees one count.

While the cache cannot be reached the counts fall back to this process's memory, with a warning: logins go
on (a limiter that fails closed locks everyone out, a 500 on every login) and are still limited, per web
process instead of for the whole site, until Redis is back.
"""
import hashlib
import logging
import time

import redis
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache

from config.errors import UserError

log = logging.getLogger(__name__)

# What the Redis cache raises when the server is down or unreachable.
CACHE_ERRORS = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)
_local = LocMemCache("sebar-ratelimit-fallback", {"OPTIONS": {"MAX_ENTRIES": 10000}})


class RateLimited(UserError):
    code = "rate_limited"
    status_code = 429

    def __init__(self, message, retry_after):
        super().__init__(message)
        self.retry_after = retry_after


def _key(scope, identity, now, window):
    digest = hashlib.sha256(str(identity).lower().encode()).hexdigest()[:32]
    return f"rl:{scope}:{digest}:{int(now // window)}"


def _wait(now, window):
    return max(1, int(window - (now % window)))


def _shared(scope, call, *args, **kwargs):
    """`call` on the shared cache, or on this process's fallback (with a warning) while it is down."""
    try:
        return call(cache, *args, **kwargs)
    except CACHE_ERRORS as exc:
        log.warning("Rate limit %s counted in this process only: the cache cannot be reached (%s)", scope, exc)
        return call(_local, *args, **kwargs)


def _get(store, key):
    return store.get(key)


def _count(store, key, window):
    # add() is atomic: only the first attempt in a window creates the key with its expiry.
    store.add(key, 0, timeout=window + 1)
    try:
        return store.incr(key)
    except ValueError:  # evicted between add and incr
        store.set(key, 1, timeout=window + 1)
        return 1


def _delete(store, key):
    store.delete(key)


def over(scope, identity, *, limit, window):
    """Without counting: seconds to wait when `limit` attempts were already counted in this window, else None."""
    now = time.time()
    if (_shared(scope, _get, _key(scope, identity, now, window)) or 0) >= limit:
        return _wait(now, window)
    return None


def hit(scope, identity, *, limit, window):
    """Count one attempt; return seconds to wait when over the limit, else None."""
    now = time.time()
    if _shared(scope, _count, _key(scope, identity, now, window), window) > limit:
        return _wait(now, window)
    return None


def reset(scope, identity, *, window):
    key = _key(scope, identity, time.time(), window)
    _local.delete(key)
    _shared(scope, _delete, key)
