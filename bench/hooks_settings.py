"""Settings for the outbound-webhooks benchmark only (bench/webhooks_fanout.py): production settings with its own
database, Redis DB and prefix (set in the environment by the script), receivers on loopback allowed, and the
retry schedule scaled from minutes to fractions of a second (bench/hooks_probe.py, loaded in the workers)."""
import os

from config.settings import *  # noqa: F403

SECURE_SSL_REDIRECT = False
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
SEBAR_REDIS_PREFIX = os.environ.get("SEBAR_REDIS_PREFIX", "benchhooks")
CACHES["default"]["KEY_PREFIX"] = SEBAR_REDIS_PREFIX  # noqa: F405
OUTBOUND_ALLOW_HTTP = True
OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.0/8"]  # the three receivers run in the benchmark's process
WEBHOOK_TIMEOUT_SECONDS = 5.0
CELERY_IMPORTS = ["bench.hooks_probe"]
