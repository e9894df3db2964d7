"""Outages as they happen: Redis stopped, i.e. the broker or the cache on a port where nothing listens.

`broker_down` turns the session's eager Celery off and points the broker at a closed port, so every publish
fails the way it does in production (kombu's OperationalError after its retries); `.end()` brings the eager
test broker back mid-test, for the sweepers. `cache_down` does the same to Django's cache, `redis_down` to
Sebar's own Redis client (config/redis.py). A test module imports `broker_down_fixture` / `cache_down_fixture`
/ `redis_down_fixture` and lists them in `__all__`, as tests/devices does.
"""
import pytest

CLOSED = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connection refused, at once


class BrokerOutage:
    def __init__(self, app):
        self.app = app
        self.saved = (app.conf.task_always_eager, app.conf.broker_url)

    def _reset_pools(self):
        # Celery caches its connection and producer pools for the URL they were made for.
        self.app._pool = None
        self.app.amqp._producer_pool = None

    def start(self):
        self.app.conf.task_always_eager = False
        self.app.conf.broker_url = CLOSED
        self._reset_pools()

    def end(self):
        self.app.conf.task_always_eager, self.app.conf.broker_url = self.saved
        self._reset_pools()


@pytest.fixture(name="broker_down")
def broker_down_fixture(monkeypatch):
    from config.celery import app

    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)  # Celery prefers it over its configuration
    outage = BrokerOutage(app)
    outage.start()
    yield outage
    outage.end()


@pytest.fixture(name="cache_down")
def cache_down_fixture(settings):
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": CLOSED}}


@pytest.fixture(name="redis_down")
def redis_down_fixture(settings):
    """Sebar's own Redis client (config/redis.py: pacing, click counters, the links' cache) on the closed port."""
    from rotator import link_config

    working = settings.REDIS_URL
    settings.REDIS_URL = CLOSED
    link_config._local.clear()  # what this process read before the outage
    yield
    # Back before other fixtures' teardown, which cleans the test's keys in the real Redis.
    settings.REDIS_URL = working
    link_config._local.clear()
