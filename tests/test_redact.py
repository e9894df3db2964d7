"""config.redact hides internal addresses in text a tenant will read."""
import pytest

from config.redact import HIDDEN, redact


@pytest.mark.parametrize("text,hidden", [
    ("cannot reach http://10.0.0.5:3000/api/sendText", "10.0.0.5"),
    ("Error 111 connecting to 127.0.0.1:6379. Connection refused.", "127.0.0.1"),
    ("Error 111 connecting to redis:6379. Connection refused.", "redis:6379"),
    ("HTTPConnectionPool(host='waha', port=3000): Max retries exceeded", "host='waha'"),
    ("connect ECONNREFUSED [fd00::5]:3000", "fd00::5"),
    ("redis://:secret@cache.internal:6379/0 refused", "cache.internal"),
    ("wss://waha.internal/ws closed", "waha.internal"),
])
def test_addresses_are_hidden(text, hidden):
    assert hidden not in redact(text) and HIDDEN in redact(text)


def test_configured_service_hosts_are_hidden_even_bare(settings):
    settings.REDIS_URL = "redis://sebar-redis:6379/0"
    assert redact("Name or service not known: 'sebar-redis'") == f"Name or service not known: '{HIDDEN}'"


def test_ordinary_words_stay():
    text = "Session status is not as expected (STARTING, expected WORKING). Try again at 10:30."
    assert redact(text) == text
