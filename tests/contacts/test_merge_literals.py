"""Only values the import made are written into its SQL as literals, and only in their exact shape."""
import pytest

from contacts.importing.merge import _literal_phones, _literal_timestamp


def test_phone_literals_are_ascii_digits_only():
    assert _literal_phones(["6281234567890", "447911123456"]) == "'6281234567890', '447911123456'"
    for bad in ["62812' OR '1'='1", "６２８１２", "62812²", "+62812", ""]:
        with pytest.raises(ValueError):
            _literal_phones(["6281234567890", bad])


def test_timestamp_literals_have_the_databases_datetime_shape():
    assert _literal_timestamp("2026-11-25 15:49:20.123456") == "'2026-11-25 15:49:20.123456'"
    assert _literal_timestamp("2026-11-25 15:49:20") == "'2026-11-25 15:49:20'"
    for bad in ["2026-11-25 15:49:20'); DROP TABLE contacts_contact; --", "2026-11-25T15:49:20+00:00", "now()"]:
        with pytest.raises(ValueError):
            _literal_timestamp(bad)
