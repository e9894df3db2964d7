"""HMAC signing and checking of WAHA webhook bodies.

WAHA signs the raw JSON body with HMAC-SHA512 and sends the lower-case hex digest in
``X-Webhook-Hmac`` (plus ``X-Webhook-Hmac-Algorithm: sha512``); no timestamp is part of the MAC
(API.md §6). Always verify the bytes as received: a re-serialized dict will not match.
"""

from __future__ import annotations

import hashlib
import hmac

HMAC_HEADER = "X-Webhook-Hmac"
HMAC_ALGORITHM_HEADER = "X-Webhook-Hmac-Algorithm"


def _as_bytes(value: bytes | str) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else bytes(value)


def sign(key: bytes | str, raw_body: bytes) -> str:
    """Lower-case hex HMAC-SHA512 of ``raw_body`` under ``key``, exactly as WAHA computes it."""
    return hmac.new(_as_bytes(key), _as_bytes(raw_body), hashlib.sha512).hexdigest()


def verify(key: bytes | str, raw_body: bytes, header_value: str | None) -> bool:
    """True when ``header_value`` is WAHA's signature of ``raw_body``; constant-time comparison."""
    if not key or not header_value:
        return False
    # Lower-casing tolerates a proxy that upper-cases hex; WAHA itself sends lower case.
    expected = sign(key, raw_body).encode("ascii")
    # Bytes, not str: compare_digest raises on non-ASCII str, and a forged header may be anything.
    return hmac.compare_digest(expected, header_value.strip().lower().encode("utf-8", "replace"))
