"""What a question node accepts: each validation turns the customer's text into the value stored, or None.

Phones go through common.phones (phonenumbers), e-mails through Django's validator; dates are read the way
Indonesians write them (day first).
"""
import datetime
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from common import phones
from config.errors import UserError

DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d/%m/%y")
NUMBER = re.compile(r"^-?\d+([.,]\d+)?$")


def words(text):
    """Lower-case words of `text` (punctuation dropped), for matching menu options and choices."""
    return " ".join(re.sub(r"[^\w\s]", " ", str(text or "").casefold()).split())


def answer_parse(kind, text, *, choices=(), region="ID"):
    """The value to store for `text`, or None when it is not a valid answer of this kind."""
    text = (text or "").strip()
    if not text:
        return None
    if kind == "number":
        compact = text.replace(" ", "")
        if not NUMBER.match(compact):
            return None
        return compact.replace(",", ".")
    if kind == "phone":
        try:
            return phones.normalize(text, region or "ID")
        except UserError:
            return None
    if kind == "email":
        try:
            validate_email(text)
        except ValidationError:
            return None
        return text.lower()
    if kind == "date":
        for fmt in DATE_FORMATS:
            try:
                return datetime.datetime.strptime(text, fmt).date().isoformat()
            except ValueError:
                continue
        return None
    if kind == "choice":
        said = words(text)
        for index, choice in enumerate(choices, 1):
            if said == str(index) or said == words(choice):
                return str(choice)
        return None
    return text[:500]


def option_match(options, text):
    """The index of the menu option the customer chose: its number, or its label's words; None if none."""
    said = words(text)
    if not said:
        return None
    if said.isdigit():
        number = int(said)
        return number - 1 if 1 <= number <= len(options) else None
    for index, option in enumerate(options):
        label = words(option.get("label"))
        if label and (said == label or (len(said) >= 3 and f" {label} " in f" {said} ")):
            return index
    return None
