"""Normalising a target number to the E.164 digits wa.me expects.

contacts owns phone rules (`contacts.phones.normalize`); until that module is on main we ask
phonenumbers directly with the same contract (digits only, Indonesian numbers by default).
"""
import phonenumbers
from django.utils.translation import gettext as _

from .errors import RotatorInvalid


def normalize(raw, region="ID"):
    try:
        from contacts.phones import normalize as contacts_normalize
    except ImportError:
        return _normalize_here(raw, region)
    return contacts_normalize(raw, region=region)


def _normalize_here(raw, region):
    text = (raw or "").strip()
    if not text:
        raise RotatorInvalid(_("Enter a WhatsApp number, e.g. 0812 3456 7890 or +62 812 3456 7890."))
    if text.startswith("00"):
        text = "+" + text[2:]
    attempts = [text]
    if text[0].isdigit() and not text.startswith("0"):
        attempts.append("+" + text)  # 62812... typed without the plus
    for attempt in attempts:
        try:
            parsed = phonenumbers.parse(attempt, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(parsed):
            return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164).lstrip("+")
    raise RotatorInvalid(
        _("'%(raw)s' is not a valid phone number. Check the digits and the country code, e.g. +62 812 3456 7890.")
        % {"raw": raw})
