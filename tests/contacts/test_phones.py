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
])
def test_rejects_with_reason(raw, reason):
    with pytest.raises(InvalidPhone) as exc:
        normalize(raw, "ID")
    assert reason in exc.value.message


def test_display_formats_international():
    assert display("6281234567890") == "+62 812-3456-7890"
