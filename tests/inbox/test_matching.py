"""Keyword matching: each type, accents and case, bad regexes refused with the reason, slow ones cut off."""
import time

import pytest

from inbox.matching import BadPattern, first_match, fold, matches, validate_keyword


@pytest.mark.parametrize("match_type,keyword,text,expected", [
    ("EXACT", "harga", "Harga", True),
    ("EXACT", "harga", "harga dong", False),
    ("CONTAINS", "harga", "Berapa HARGA-nya?", True),
    ("CONTAINS", "promo", "hello", False),
    ("STARTS_WITH", "info", "Info produk", True),
    ("STARTS_WITH", "info", "minta info", False),
    ("REGEX", r"^order\s*#?\d+$", "ORDER #123", True),
    ("REGEX", r"^order\s*#?\d+$", "order abc", False),
    ("CONTAINS", "café", "one CAFE please", True),
    ("EXACT", "cafe", "Café", True),
    ("EXACT", "jam  buka", "  jam buka ", True),
])
def test_match_types(match_type, keyword, text, expected):
    assert matches(keyword, match_type, text) is expected


def test_fold_drops_accents_and_case():
    assert fold("ÁÉÍ Ñandú  Straße") == "aei nandu strasse"


def test_bad_regex_is_refused_with_the_reason():
    with pytest.raises(BadPattern) as exc:
        validate_keyword("(unclosed", "REGEX")
    assert "not valid" in exc.value.message and "missing )" in exc.value.message


def test_empty_keyword_refused():
    with pytest.raises(BadPattern):
        validate_keyword("  ", "CONTAINS")


def test_catastrophic_regex_is_time_limited():
    started = time.monotonic()
    assert matches(r"(a|aa)+$", "REGEX", "a" * 60 + "!") is False
    assert time.monotonic() - started < 1.0


def test_first_match_respects_given_order():
    class Rule:
        def __init__(self, keyword, match_type):
            self.keyword, self.match_type = keyword, match_type

    rules = [Rule("nothing", "EXACT"), Rule("price", "CONTAINS"), Rule("pri", "STARTS_WITH")]
    assert first_match(rules, "price list?") is rules[1]
    assert first_match(rules, "hello") is None
