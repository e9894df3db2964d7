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


def hit(scope, identity, *, limit, window):
    """Count one attempt; return seconds to wait when over the limit, else None."""
    now = time.time()
    bucket = int(now // window)
    digest = hashlib.sha256(str(identity).lower().encode()).hexdigest()[:32]
    key = f"rl:{scope}:{digest}:{bucket}"
    # add() is atomic: only the first attempt in a window creates the key with its expiry.
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=window + 1)
        count = 1
    if count > limit:
        return max(1, int(window - (now % window)))
    return None


def reset(scope, identity, *, window):
    digest = hashlib.sha256(str(identity).lower().encode()).hexdigest()[:32]
    cache.delete(f"rl:{scope}:{digest}:{int(time.time() // window)}")
