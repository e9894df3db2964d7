"""HMAC-SHA512 signing/verification of WAHA webhooks, checked against the docs' test vector."""

from devices.waha_webhooks import sign, verify

DOCS_KEY = "my-secret-key"
DOCS_BODY = b'{"event":"message","session":"default","engine":"WEBJS"}'
DOCS_HMAC = (
    "208f8a55dde9e05519e898b10b89bf0d0b3b0fdf11fdbf09b6b90476301b98d8"
    "097c462b2b17a6ce93b6b47a136cf2e78a33a63f6752c2c1631777076153fa89"
)


def test_sign_matches_docs_vector():
    assert sign(DOCS_KEY, DOCS_BODY) == DOCS_HMAC
    assert sign(DOCS_KEY.encode(), DOCS_BODY) == DOCS_HMAC


def test_verify_accepts_docs_vector():
    assert verify(DOCS_KEY, DOCS_BODY, DOCS_HMAC)
    assert verify(DOCS_KEY, DOCS_BODY, DOCS_HMAC.upper())


def test_verify_rejects_tampering_and_missing_values():
    reserialized = b'{"event": "message", "session": "default", "engine": "WEBJS"}'
    assert not verify(DOCS_KEY, reserialized, DOCS_HMAC)  # same JSON, other bytes
    assert not verify("other-key", DOCS_BODY, DOCS_HMAC)
    assert not verify(DOCS_KEY, DOCS_BODY, None)
    assert not verify(DOCS_KEY, DOCS_BODY, "")
    assert not verify("", DOCS_BODY, DOCS_HMAC)
    assert not verify(DOCS_KEY, DOCS_BODY, "sha512=" + DOCS_HMAC)
    assert not verify(DOCS_KEY, DOCS_BODY, "é" * 128)  # non-ASCII must not raise
