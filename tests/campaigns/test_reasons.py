"""The engine stores why (a code and its figures); the words are made in the reader's language."""
import pytest
from django.utils import translation

from campaigns.reasons import BUILDERS, TEXTS, reason, reason_text


def test_every_reason_code_has_indonesian_words():
    with translation.override("en"):
        english = {code: str(text) for code, text in TEXTS.items()}
    with translation.override("id"):
        missing = [code for code, text in TEXTS.items() if str(text) == english[code]]
    assert missing == []


def test_a_reason_written_by_an_english_worker_reads_in_indonesian():
    with translation.override("en"):
        fields = reason("waha_unavailable", attempts=3, detail="WAHA did not answer in time")
    assert fields["error"] == ""
    with translation.override("id"):
        words = reason_text(fields["error_code"], fields["error_params"], fields["error"])
    assert words == "Berhenti setelah 3 kali mencoba: WAHA did not answer in time"
    with translation.override("en"):
        assert reason_text("not_on_whatsapp") == "This number is not on WhatsApp."
    with translation.override("id"):
        assert reason_text("not_on_whatsapp") == "Nomor ini tidak terdaftar di WhatsApp."


def test_the_daily_limit_hold_is_made_from_its_figures():
    assert "daily_limit" in BUILDERS
    params = {"plan": "Free", "limit": 2, "used": 2, "better": "Pro"}
    with translation.override("en"):
        assert reason_text("daily_limit", params) == (
            "Your Free plan allows 2 messages a day and you have sent 2 today. "
            "Sending continues tomorrow, or upgrade to Pro.")
    with translation.override("id"):
        assert "Free" in reason_text("daily_limit", params) and "Pro" in reason_text("daily_limit", params)
        assert reason_text("daily_limit", params) != reason_text("daily_limit", params | {"used": 5})


def test_old_text_and_unknown_codes_are_shown_as_stored():
    assert reason_text("", {}, "old words") == "old words"
    assert reason_text("something_new", {}, "kept") == "kept"
    # an old waha_error row: its text has WAHA's words and no figures
    assert reason_text("waha_error", {}, "WAHA session 'x': boom") == "WAHA session 'x': boom"
    with pytest.raises(KeyError):
        reason("no_such_code")
