"""Rotator tests write raw Redis keys (counters, click queues) under the test's own prefix; drop them after."""
import pytest


@pytest.fixture(autouse=True)
def _drop_rotator_keys(settings):
    yield
    from config.redis import get_redis, key

    redis = get_redis()
    keys = list(redis.scan_iter(match=key("*"), count=500))
    if keys:
        redis.delete(*keys)
