"""Loaded into the benchmark's Celery workers (CELERY_IMPORTS in bench/campaigns_settings.py): counts every
database query the workers make, per process, and adds the count to a Redis counter after each task, so
bench/campaigns_engine.py can print queries per message. Never used outside the benchmark."""
import threading

from celery.signals import task_postrun
from django.db.backends.signals import connection_created

COUNTER_KEY = "bench:worker-queries"
_local = threading.local()


def _count(execute, sql, params, many, context):
    _local.queries = getattr(_local, "queries", 0) + 1
    return execute(sql, params, many, context)


def _install(sender, connection, **kwargs):
    if _count not in connection.execute_wrappers:
        connection.execute_wrappers.append(_count)


connection_created.connect(_install)


@task_postrun.connect
def _flush(**kwargs):
    queries = getattr(_local, "queries", 0)
    if queries:
        from config.redis import get_redis

        _local.queries = 0
        get_redis().incrby(COUNTER_KEY, queries)


def _steps_override():
    # The benchmark's A/B of inline steps (campaigns/engine.py INLINE_STEPS): BENCH_INLINE_STEPS=0 gives every
    # message its own Celery round trip, as before.
    import os

    if os.environ.get("BENCH_INLINE_STEPS"):
        from campaigns import engine

        engine.INLINE_STEPS = int(os.environ["BENCH_INLINE_STEPS"])


_steps_override()
