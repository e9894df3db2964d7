"""The pre-filled message and the wa.me address a visitor is sent to.

Spintax belongs to campaigns (`campaigns.spintax`); it is imported lazily and, while that module is not
on main, the text is used as written. The lookup is cached per process because a failing import scans
sys.path on every call, which the redirect cannot afford.
"""
from functools import cache
from urllib.parse import quote


@cache
def _spintax():
    try:
        from campaigns import spintax
    except ImportError:
        return None
    return spintax


def render(text):
    """One variant of the message (spintax resolved), or the text itself without spintax."""
    if not text or "{" not in text:
        return text
    spintax = _spintax()
    return spintax.render(text) if spintax else text


def validate(text):
    """Raise campaigns' SpintaxError (a user error) for unbalanced spintax, when spintax is available."""
    spintax = _spintax()
    if spintax and text:
        spintax.validate(text)


def wa_me_url(phone, text):
    if not text:
        return f"https://wa.me/{phone}"
    return f"https://wa.me/{phone}?text={quote(text, safe='')}"
