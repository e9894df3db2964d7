"""Settings for the broadcast-engine benchmark only (bench/campaigns_engine.py): production settings with
the engine's timings scaled from seconds to fractions of a second, its own database, Redis DB and prefix.

The script sets DATABASE_URL, REDIS_URL and CELERY_BROKER_URL in the environment before Django reads
config.settings, so the benchmark never touches the development database or another helper's Redis.
"""
import os

from config.settings import *  # noqa: F403

SECURE_SSL_REDIRECT = False
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
SEBAR_REDIS_PREFIX = os.environ.get("SEBAR_REDIS_PREFIX", "benchcmp")
CACHES["default"]["KEY_PREFIX"] = SEBAR_REDIS_PREFIX  # noqa: F405
SEBAR_MIN_DELAY_SECONDS = 0.0
# The engine's clocks, scaled down with the delays (production values in campaigns/engine.py).
SEBAR_KICK_SECONDS = 0.5
SEBAR_REAP_SECONDS = 1.0
SEBAR_SEND_LEASE_SECONDS = 15.0  # a send on a loaded 2-core box can take seconds
SEBAR_CLAIM_LEASE_SECONDS = 3.0
SEBAR_ARM_GRACE_SECONDS = 2.0
SEBAR_RETRY_BACKOFF_SECONDS = 0.5
SEBAR_SEND_HOLD_SECONDS = 10.0
CELERY_BEAT_SCHEDULER = "celery.beat:PersistentScheduler"
SEBAR_PREP_LEAD_SECONDS = 0.4
# The workers count their queries for the benchmark's "queries per message" (bench/engine_probe.py).
CELERY_IMPORTS = ["bench.engine_probe"]
