"""Phone normalisation: anything people type or Excel writes → E.164 digits (`6281234567890`).

Built on `phonenumbers`, never on regexes. Accepts `0812-3456-7890`, `+62 812 3456 7890`, `62812...`,
`812...`, `(0812) 3456 7890`, `0062...`, numbers of other countries with their code, and what Excel
does to numbers: floats (`6281234567890.0`, `6.28123456789E+12`) and lost leading zeros. A value that
cannot be a mobile number raises `InvalidPhone` with the reason, which imports show per row.

A number written with + (or 00) and a country code is read in that country, whatever the workspace's region,
and is taken when it has a mobile number's length there and no pattern calls it a landline or service
number: libphonenumber marks as invalid every range it has no pattern for (new allocations, the UK's
07700 900xxx), while WhatsApp, not a pattern table, knows whether a number exists.

Reasons quote the value (“0812x”): they are shown alone (a form error) and beside the value (the rejected
rows file), and a reason that began with the value itself would begin with its + or = in a spreadsheet.
"""
import re
from decimal import Decimal, InvalidOperation

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType, ValidationResult

from config.errors import UserError

from .phone_reasons import MESSAGES


class InvalidPhone(UserError):
    """A value that cannot be a WhatsApp (mobile) number; `message` is the reason shown per row, in the
    active language; `reason` (a key of MESSAGES) and `params` say the same for a reader in another one."""

    code = "invalid_phone"

    def __init__(self, message, *, reason="", params=None, **kwargs):
        super().__init__(message, **kwargs)
        self.reason, self.params = reason, params or {}

    @classmethod
    def because(cls, reason, **params):
        return cls(str(MESSAGES[reason]) % params, reason=reason, params=params)


MOBILE_TYPES = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})
_NOT_KEPT = re.compile(r"[^0-9+]")
# What phones are typed with; text made only of these has no letters, so the per-character check is skipped.
_PLAIN = frozenset("0123456789+-(). /")
# No cache of parsed numbers: measured on bench/contacts_import.py's files (~5% repeated numbers), an
# lru_cache of 65,536 cost more in lookups and evictions than the repeats it saved (parsing 1M rows took
# 33.0 s of CPU with it, 28.6-30.7 s without); repeats inside one file are dropped by the importer anyway.
_LANDLINE, _INVALID, _NO_COUNTRY, _LENGTH = "landline", "invalid", "no country", "length"


def _from_excel_number(text):
    """`6281234567890.0` → `6281234567890`; `6.28123E+12` is refused: Excel dropped digits."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite() or value != value.to_integral_value():
        return None
    integer = str(int(value))
    if "e" in text.lower():
        # Excel's scientific display keeps ~6 significant digits: zeros it filled in are not the number.
        significant = text.lower().split("e", 1)[0].replace(".", "").replace("-", "").lstrip("0")
        if len(significant) < len(integer):
            raise InvalidPhone.because("phone_excel_shortened", value=text)
    return integer


def _clean(raw):
    if raw is None:
        raise InvalidPhone.because("phone_empty")
    if isinstance(raw, bool):
        raise InvalidPhone.because("phone_not_a_number", value=raw)
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float):
        if raw != raw or raw != int(raw):
            raise InvalidPhone.because("phone_not_a_number", value=raw)
        return str(int(raw))
    text = str(raw).strip()
    if not text:
        raise InvalidPhone.because("phone_empty")
    if ("." in text or "e" in text or "E" in text) and not any(c.isalpha() and c not in "eE" for c in text):
        number = _from_excel_number(text.replace(",", ""))
        if number:
            return number
    return text


def _e164(number):
    return f"{number.country_code}{number.national_number}"


def _parse_international(digits):
    """(E.164 digits, None) or (None, reason, country code) for a number typed with its country code."""
    try:
        number = phonenumbers.parse("+" + digits, None)
    except NumberParseException:
        return None, _NO_COUNTRY, None
    kind = phonenumbers.number_type(number)
    if kind in MOBILE_TYPES:
        return _e164(number), None, number.country_code
    if kind != PhoneNumberType.UNKNOWN:
        return None, _LANDLINE, number.country_code
    # No pattern of the country matches: the metadata may just not know the range yet (see the docstring).
    length = phonenumbers.is_possible_number_for_type_with_reason(number, PhoneNumberType.MOBILE)
    if length == ValidationResult.IS_POSSIBLE:
        return _e164(number), None, number.country_code
    return None, _LENGTH, number.country_code


def _parse_national(digits, region):
    """(E.164 digits, None) for a mobile number written without +, else (None, _LANDLINE or _INVALID).

    The digits are read in the workspace's region first, then as a country code and number (`6281...`);
    both guesses must match a pattern, since nothing here says which country was meant."""
    reason = _INVALID
    for candidate in (digits, "+" + digits):
        try:
            number = phonenumbers.parse(candidate, None if candidate.startswith("+") else region)
        except NumberParseException:
            continue
        # number_type() checks the number against its region's patterns, so UNKNOWN means invalid;
        # calling is_valid_number() as well would double the cost of every imported row.
        kind = phonenumbers.number_type(number)
        if kind == PhoneNumberType.UNKNOWN:
            continue
        if kind in MOBILE_TYPES:
            return _e164(number), None
        reason = _LANDLINE
    return None, reason


def normalize(raw, region="ID"):
    """E.164 digits without '+' for a mobile number, or `InvalidPhone` saying why not."""
    text = _clean(raw)
    value = text[:40]
    if not _PLAIN.issuperset(text) and any(c.isalpha() for c in text):
        raise InvalidPhone.because("phone_letters", value=value)
    kept = _NOT_KEPT.sub("", text)
    plus = kept.startswith("+")
    digits = kept.replace("+", "")
    if len(digits) < 6:
        raise InvalidPhone.because("phone_too_short", value=value)
    if len(digits) > 17:
        raise InvalidPhone.because("phone_too_long", value=value)
    if not plus and digits.startswith("00"):
        plus, digits = True, digits[2:]  # international prefix as typed in Indonesia and Europe
    if plus:
        phone, reason, code = _parse_international(digits)
    else:
        phone, reason = _parse_national(digits, region)
        code = phonenumbers.country_code_for_region(region)  # 0 for a region phonenumbers does not know
    if phone is not None:
        return phone
    if reason == _LANDLINE:
        raise InvalidPhone.because("phone_landline", value=value)
    if reason == _NO_COUNTRY:
        raise InvalidPhone.because("phone_no_country", value=value)
    if reason == _LENGTH:
        raise InvalidPhone.because("phone_wrong_length", value=value, code=code)
    if not code:
        raise InvalidPhone.because("phone_invalid", value=value)
    raise InvalidPhone.because("phone_invalid_for_region", value=value, code=code)


def display(phone):
    """`6281234567890` → `+62 812-3456-7890` for pages; unknown shapes come back as `+digits`."""
    try:
        number = phonenumbers.parse("+" + phone, None)
    except NumberParseException:
        return "+" + phone
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
