"""A number's health in words, in the reader's language (the way campaigns/reasons.py does it).

``devices.health`` stores each reason as a code and its figures (``DeviceHealth.reasons``, the ``changes`` of a
``DeviceHealthEvent``); the words are made when someone reads them, so a worker's language never leaks into a
page, and the API speaks the client's. A code this catalogue does not know reads as the code itself.
"""
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def _percent(value) -> str:
    # Whole percents from 10 up, one decimal below; rounded here, since number_format cuts rather than rounds.
    value = float(value or 0)
    if value >= 10 or value == int(value):
        return formats.number_format(round(value), 0)
    return formats.number_format(round(value, 1), 1)


def _when(value) -> str:
    moment = parse_datetime(value) if isinstance(value, str) else value
    if moment is None:
        return ""
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def when_words(value) -> str:
    """An ISO moment or a datetime as a short local date and time (campaigns' reasons use it too)."""
    return _when(value)


def _capping_label(status) -> str:
    return {"": _("unknown"), "NONE": _("no capping"), "FIRST_WARNING": _("first warning"),
            "SECOND_WARNING": _("second warning"), "CAPPED": _("capped")}.get(status or "", status)


def _timelock(until=""):
    if until:
        return _("reach-out timelock until %(until)s") % {"until": _when(until)}
    return _("reach-out timelock")


def brake_why(why) -> str:
    return {"first_warning": _("WhatsApp's first capping warning"),
            "second_warning": _("WhatsApp's second capping warning"),
            "capped": _("WhatsApp capped new chats"),
            "timelock": _("a reach-out timelock"),
            "flapping": _("the session keeps dropping")}.get(why, why)


def brake_effect(level) -> str:
    return {"slow": _("sends at half its pace"),
            "warm_only": _("sends only to contacts who wrote to it and opens no new chat"),
            "paused": _("is paused from broadcasts")}.get(level, level)


def _brake_words(level, why, until):
    words = {"why": brake_why(why), "effect": brake_effect(level)}
    if until:
        return _("brake: %(why)s, so the number %(effect)s until %(until)s") % {**words, "until": _when(until)}
    return _("brake: %(why)s, so the number %(effect)s") % words


# code -> builder(**params) -> words
REASONS = {
    "capping_first_warning": lambda **p: _("capping first warning"),
    "capping_second_warning": lambda **p: _("capping second warning"),
    "capping_capped": lambda **p: _("capped: no new chats until the cycle ends"),
    "timelock": _timelock,
    "timelock_errors": lambda count=0, **p: ngettext(
        "%(count)s send refused with code 463 today", "%(count)s sends refused with code 463 today",
        count) % {"count": count},
    "rate_overlimit": lambda count=0, **p: ngettext(
        "%(count)s rate-overlimit answer today", "%(count)s rate-overlimit answers today", count) % {"count": count},
    "flaps": lambda count=0, **p: ngettext(
        "session dropped %(count)s time today", "session dropped %(count)s times today", count) % {"count": count},
    "failed": lambda percent=0, **p: _("%(percent)s %% of sends failed") % {"percent": _percent(percent)},
    "not_on_whatsapp": lambda percent=0, **p: _("%(percent)s %% not on WhatsApp") % {"percent": _percent(percent)},
    "undelivered": lambda percent=0, hours=0, **p: _(
        "%(percent)s %% not delivered after %(hours)s h") % {"percent": _percent(percent), "hours": hours},
    "opted_out": lambda percent=0, **p: _("%(percent)s %% of recipients opted out") % {
        "percent": _percent(percent)},
}

CHANGES = {
    "capping": lambda before="", after="", **p: _("WhatsApp capping: %(before)s → %(after)s") % {
        "before": _capping_label(before), "after": _capping_label(after)},
    "timelock_on": lambda until="", **p: _("WhatsApp set a reach-out timelock until %(until)s") % {
        "until": _when(until)} if until else _("WhatsApp set a reach-out timelock"),
    "timelock_off": lambda **p: _("the reach-out timelock ended"),
    "send_refused": lambda signal="", **p: (
        _("a send was refused with code 463 (reach-out timelock)") if signal == "timelock"
        else _("a call was refused with rate-overlimit")),
    "session": lambda status="", **p: _("the session dropped to %(status)s") % {"status": status},
    "brake_on": lambda level="", why="", until="", **p: _brake_words(level, why, until),
    "brake_off": lambda was="", **p: _("brake released: the number sends as usual again"),
    "quota": lambda used=0, total=0, **p: _("%(used)s of %(total)s new chats used this cycle") % {
        "used": used, "total": total},
}


def _words(catalogue, items) -> list[str]:
    words = []
    for item in items or []:
        code, params = item.get("code", ""), item.get("params") or {}
        builder = catalogue.get(code)
        try:
            words.append(builder(**params) if builder else code)
        except (KeyError, TypeError, ValueError):
            words.append(code)
    return words


def reasons_text(reasons) -> str:
    """"capping first warning; 4 % not on WhatsApp" (empty when nothing lowers the score)."""
    return "; ".join(_words(REASONS, reasons))


def health_text(score, reasons) -> str:
    """"62: capping first warning; 4 % not on WhatsApp", or "100" for a healthy number."""
    words = reasons_text(reasons)
    return f"{score}: {words}" if words else str(score)


def changes_text(changes) -> str:
    return "; ".join(_words(CHANGES, changes))
