"""Keyword matching for auto-replies: case- and accent-insensitive, with time-limited regular expressions.

Text and keywords are folded the same way (NFKD, combining marks dropped, casefold, whitespace
collapsed), so "Harga", "HARGA" and "hárga" are one keyword. REGEX rules run on the folded text with
the `regex` package's `timeout=`: a catastrophic pattern stops after REGEX_TIMEOUT seconds inside the
matcher itself, so a customer's message can never stall the worker.
"""
import logging
import time
import unicodedata

import regex
from django.conf import settings
from django.utils.translation import gettext as _

from config.errors import UserError

logger = logging.getLogger(__name__)

REGEX_TIMEOUT = 0.05  # seconds per rule and message
MAX_PATTERN_LENGTH = 300


class BadPattern(UserError):
    code = "bad_regex"


def fold(text):
    """Lower-case, accent-free, single-spaced text to compare keywords on."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def compile_pattern(pattern):
    """The compiled rule, or BadPattern saying why it cannot be used."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise BadPattern(_("The pattern is longer than %(n)s characters.") % {"n": MAX_PATTERN_LENGTH},
                         fields={"keyword": "too long"})
    try:
        return regex.compile(fold(pattern), regex.V0)
    except regex.error as exc:
        reason = _("This regular expression is not valid: %(reason)s. Fix it or use another match type.") % {
            "reason": exc}
        raise BadPattern(reason, fields={"keyword": str(exc)}) from exc


def validate_keyword(keyword, match_type):
    """Raise BadPattern when a rule could never match sensibly."""
    if not fold(keyword):
        raise BadPattern(_("Write a keyword."), fields={"keyword": "empty"})
    if match_type == "REGEX":
        compile_pattern(keyword)


def matches(keyword, match_type, text, *, timeout=REGEX_TIMEOUT):
    """True when `text` triggers a rule. A REGEX that runs out of time counts as no match (and is logged)."""
    folded_text, folded_key = fold(text), fold(keyword)
    if not folded_text or not folded_key:
        return False
    if match_type == "EXACT":
        return folded_text == folded_key
    if match_type == "STARTS_WITH":
        return folded_text.startswith(folded_key)
    if match_type == "CONTAINS":
        return folded_key in folded_text
    if match_type == "REGEX":
        try:
            return compile_pattern(keyword).search(folded_text, timeout=timeout) is not None
        except BadPattern:
            return False
        except TimeoutError:
            logger.warning("Auto-reply regex %r timed out on a %d-character message", keyword, len(folded_text))
            return False
    raise ValueError(f"unknown match type {match_type!r}")


clock = time.monotonic  # a name of its own so tests can drive the budget without sleeping


def first_match(rules, text):
    """The first rule (in the given order) whose keyword matches `text`, or None.

    One time budget covers the whole message (AUTO_REPLY_MATCH_BUDGET_SECONDS): however many REGEX rules a
    workspace has, one message costs a shared worker at most that long. Rules not reached count as no
    match, and the log says so."""
    deadline = clock() + settings.AUTO_REPLY_MATCH_BUDGET_SECONDS
    for index, rule in enumerate(rules):
        left = deadline - clock()
        if left <= 0:
            logger.warning("Auto-reply matching ran out of its %ss budget after %s of %s rules",
                           settings.AUTO_REPLY_MATCH_BUDGET_SECONDS, index, len(rules))
            return None
        if matches(rule.keyword, rule.match_type, text, timeout=min(REGEX_TIMEOUT, left)):
            return rule
    return None
