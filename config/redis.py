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


@lru_cache(maxsize=4)
def _client(url):
    # One client per URL: building a Redis() fills a ~170-entry callback table, which cost more than the
    # round trip itself on the public link redirect. Clients are thread-safe; connections come from the pool.
    return redis.Redis(connection_pool=_pool(url))


def get_redis():
    return _client(settings.REDIS_URL)


def key(*parts):
    return ":".join([settings.SEBAR_REDIS_PREFIX, *(str(p) for p in parts)])
