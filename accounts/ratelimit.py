"""Fixed-window rate limits kept in the shared cache (Redis), so every web process sees one count."""
import hashlib
import time

from django.core.cache import cache

from config.errors import UserError


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


def over(scope, identity, *, limit, window):
    """Without counting: seconds to wait when `limit` attempts were already counted in this window, else None."""
    now = time.time()
    if (cache.get(_key(scope, identity, now, window)) or 0) >= limit:
        return _wait(now, window)
    return None


def hit(scope, identity, *, limit, window):
    """Count one attempt; return seconds to wait when over the limit, else None."""
    now = time.time()
    key = _key(scope, identity, now, window)
    # add() is atomic: only the first attempt in a window creates the key with its expiry.
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=window + 1)
        count = 1
    if count > limit:
        return _wait(now, window)
    return None


def reset(scope, identity, *, window):
    cache.delete(_key(scope, identity, time.time(), window))
