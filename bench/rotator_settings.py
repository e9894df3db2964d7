"""Settings for the link-rotator benchmark only: production settings plus a URLconf with a bare 302 view.

Used by bench/rotator_redirect.py; never by the product. The environment it sets (DEBUG=false, MariaDB,
its own Redis prefix) is read by config.settings exactly as in production.
"""
from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.rotator_urls"
# The benchmark talks plain HTTP to 127.0.0.1; TLS belongs to the proxy in production.
SECURE_SSL_REDIRECT = False
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
