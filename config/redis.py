"""One Redis connection pool per process, and the key prefix every raw Redis key uses.

Django's cache covers simple caching; counters, sorted sets and locks use this client directly.
The prefix keeps deployments (and test runs) that share a Redis server apart.
"""
from functools import lru_cache

import redis
from django.conf import settings


@lru_cache(maxsize=4)
def _pool(url):
    return redis.ConnectionPool.from_url(url, socket_connect_timeout=2, socket_timeout=5, health_check_interval=30)


def get_redis():
    return redis.Redis(connection_pool=_pool(settings.REDIS_URL))


def key(*parts):
    return ":".join([settings.SEBAR_REDIS_PREFIX, *(str(p) for p in parts)])
