"""Scrubbing internal addresses out of text a tenant will read.

Errors from WAHA, Redis or the database name where they live (``http://10.0.0.5:3000``,
``Error 111 connecting to redis:6379``, ``HTTPConnectionPool(host='waha', port=3000)``). Tenants share
those services, so such text is run through ``redact`` before it is stored where a tenant sees it
(a message's error, a device's or a campaign's last error, an API answer); the unredacted text goes to
the log, for operators.
"""
import re
from urllib.parse import urlsplit

from django.conf import settings

HIDDEN = "[internal address]"

_PATTERNS = [
    re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s'\"<>)]+", re.IGNORECASE),  # any URL
    re.compile(r"\bhost='[^']*'(, port=\d+)?"),  # urllib3's HTTPConnectionPool(host='…', port=…)
    re.compile(r"\[[0-9a-f:]*:[0-9a-f:.]+\](:\d+)?", re.IGNORECASE),  # [fd00::1]:3000
    re.compile(r"\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b"),  # 10.0.0.5, 10.0.0.5:6379
    re.compile(r"\b[a-z][a-z0-9.-]*:\d{2,5}\b", re.IGNORECASE),  # redis:6379, waha.internal:3000
    re.compile(r"\blocalhost\b", re.IGNORECASE),
]


def _configured_hosts(extra=()):
    """Hostnames of the services Sebar talks to (the generic patterns miss a bare 'redis' or 'waha')."""
    if not settings.configured:  # the WAHA client also runs in the standalone emulator
        return []
    urls = [getattr(settings, name, "") for name in ("REDIS_URL", "CELERY_BROKER_URL", "WAHA_URL",
                                                      "SANDBOX_WAHA_URL")]
    hosts = {settings.DATABASES["default"].get("HOST") or ""}
    for url in [*urls, *extra]:
        try:
            hosts.add(urlsplit(str(url)).hostname or "")
        except ValueError:
            continue
    return sorted((h for h in hosts if len(h) > 2), key=len, reverse=True)


def redact(text, *, extra_urls=()) -> str:
    """`text` with URLs, IP addresses, host:port pairs and the configured services' hostnames hidden."""
    text = str(text)
    for pattern in _PATTERNS:
        text = pattern.sub(HIDDEN, text)
    for host in _configured_hosts(extra_urls):
        text = re.sub(rf"(?<![\w.-]){re.escape(host)}(?![\w-])", HIDDEN, text, flags=re.IGNORECASE)
    return text
