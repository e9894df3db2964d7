"""One Redis connection pool per process, and the key prefix every raw Redis key uses.

Django's cache covers simple caching; counters, sorted sets and locks use this client directly.
The prefix keeps deployments (and test runs) that share a Redis server apart.

`run_script()` is for the one hot path (the public link redirect): one script call on a connection of
the calling thread's own, without the pool.
"""
import hashlib
import os
import threading
from functools import lru_cache

import redis
from django.conf import settings
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import NoScriptError


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


class Script:
    """A Lua script and its SHA1, computed once, so a call sends EVALSHA without asking Redis first."""

    def __init__(self, source):
        self.source = source
        self.sha = hashlib.sha1(source.encode()).hexdigest()  # noqa: S324 - Redis names scripts by SHA1


_own = threading.local()


def _own_connection():
    # Per thread and per process: a connection must never be shared across a fork (gunicorn --preload) or
    # by two threads (gthread workers) at once.
    conn = getattr(_own, "conn", None)
    if conn is None or _own.pid != os.getpid() or _own.url != settings.REDIS_URL:
        pool = _pool(settings.REDIS_URL)
        conn = pool.connection_class(**pool.connection_kwargs)
        _own.conn, _own.pid, _own.url = conn, os.getpid(), settings.REDIS_URL
    return conn


def run_script(script, keys, args):
    """EVALSHA `script` on this thread's own connection and return the reply.

    For the public link redirect, where this call is the request's only I/O. Going through Redis() and
    its pool (lock, in-use bookkeeping, retry wrapper, metrics hooks) cost ~40 µs of CPU a call, twice
    the round trip itself. The connection connects on first use, pings after 30 s idle (the pool's
    health_check_interval), and is dropped on any error. A call that finds its connection closed (Redis
    restarted since the last request) is sent once more on a new one, never after a timeout; a script
    unknown to Redis (after a restart or SCRIPT FLUSH) is sent in full with EVAL, which also caches it.
    """
    conn = _own_connection()
    command = ("EVALSHA", script.sha, len(keys), *keys, *args)
    try:
        try:
            conn.send_command(*command)
            return conn.read_response()
        except RedisConnectionError:
            # The connection dropped itself. Nearly always the server had closed it while idle (restart,
            # client timeout) and never saw the command. If it died after running it, the script runs twice:
            # callers make that harmless (the click record's uid is written once).
            conn.send_command(*command)
            return conn.read_response()
    except NoScriptError:
        conn.send_command("EVAL", script.source, len(keys), *keys, *args)
        return conn.read_response()
