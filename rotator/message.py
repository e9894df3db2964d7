"""The pre-filled message and the wa.me address a visitor is sent to.

The message may use spintax (`{Hi|Hello}`), rendered by campaigns' one renderer so every visitor may get
a different variant; its parse is cached, so a click pays only for picking the options.
"""
from urllib.parse import quote

from common import spintax


def render(text):
    """One variant of the message (spintax resolved); text without braces is returned as is."""
    if not text or ("{" not in text and "[" not in text):
        return text
    return spintax.render(text)


def validate(text):
    """Raise common.spintax.SpintaxError (saying where) for unbalanced spintax."""
    if text:
        spintax.validate(text)


def wa_me_url(phone, text):
    if not text:
        return f"https://wa.me/{phone}"
    return f"https://wa.me/{phone}?text={quote(text, safe='')}"
