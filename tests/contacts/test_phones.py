"""common.phones.normalize: what people type and what Excel writes, in and out."""
import pytest

from common.phones import InvalidPhone, display, normalize


@pytest.mark.parametrize(("raw", "region", "expected"), [
    ("0812-3456-7890", "ID", "6281234567890"),
    ("+62 812 3456 7890", "ID", "6281234567890"),
    ("6281234567890", "ID", "6281234567890"),
    ("81234567890", "ID", "6281234567890"),
    ("(0812) 3456 7890", "ID", "6281234567890"),
    ("0062 812 3456 7890", "ID", "6281234567890"),
    ("+62-812.3456.7890", "ID", "6281234567890"),
    (" 081234567890 ", "ID", "6281234567890"),
    ("6281234567890.0", "ID", "6281234567890"),
    (6281234567890.0, "ID", "6281234567890"),
    (81234567890, "ID", "6281234567890"),
    ("6.281234567890E+12", "ID", "6281234567890"),
    ("+65 9123 4567", "ID", "6591234567"),
    ("+1 415 555 2671", "ID", "14155552671"),
    ("+44 7911 123456", "ID", "447911123456"),
    ("4407911123456", "ID", "447911123456"),
    ("07911 123456", "GB", "447911123456"),
    ("9123 4567", "SG", "6591234567"),
    # Written with its country code, a number is read in that country, and a range libphonenumber has no
    # pattern for (the UK's 07700 900xxx) is taken at a mobile's length: WhatsApp knows, not the table.
    ("+44 7700 900123", "ID", "447700900123"),
    ("0044 7700 900123", "ID", "447700900123"),
    ("+44 7700 900123", "SG", "447700900123"),
])
def test_normalizes(raw, region, expected):
    assert normalize(raw, region) == expected


@pytest.mark.parametrize(("raw", "reason"), [
    ("", "empty"),
    (None, "empty"),
    ("123", "too short"),
    ("abc", "letters"),
    ("0812-3456-789x", "letters"),
    ("021 5012345", "landline"),
    ("6.28123E+12", "Excel shortened"),
    ("1" * 20, "too long"),
    ("0800 1234 567", "not a mobile"),
    ("+44 20 7946 0000", "landline"),  # the country code is certain, and the number a known landline
    ("+44 7700 9001", "wrong number of digits for a +44 mobile"),
    ("+999 1234 5678", "known country code"),
])
def test_rejects_with_reason(raw, reason):
    with pytest.raises(InvalidPhone) as exc:
        normalize(raw, "ID")
    assert reason in exc.value.message


def test_display_formats_international():
    assert display("6281234567890") == "+62 812-3456-7890"


def test_a_number_without_a_country_code_is_explained_without_jargon():
    with pytest.raises(InvalidPhone) as exc:
        normalize("08991234", "ID")
    message = exc.value.message
    assert message.startswith("“08991234”") and "+62" in message and "region" not in message.lower()
    assert "another country" in message
