"""Why an import left a row out: the one catalogue of reject reasons, code → message.

A reject stores its code and params, never the finished sentence: the worker that ran the import may speak
English while the person downloading the rejected rows reads Indonesian. `text()` translates at read time,
in the active language. The codes are stable (the rejects CSV carries them for API clients); a new reason
gets a new code here, and tests/contacts check that each has its Indonesian translation.
"""

from django.utils.translation import gettext_lazy

from common.phone_reasons import MESSAGES as PHONE_MESSAGES

NO_PHONE = "no_phone"
OVER_LIMIT = "over_limit"  # a file import: the row can be imported again after an upgrade
OVER_LIMIT_GRAB = "over_limit_grab"  # a group grab

REASONS = {
    **PHONE_MESSAGES,
    NO_PHONE: gettext_lazy("No phone number in this row."),
    OVER_LIMIT: gettext_lazy(
        "Left out: your plan's contact limit is reached. Upgrade or remove contacts, then import this row again."
    ),
    OVER_LIMIT_GRAB: gettext_lazy("Left out: your plan's contact limit is reached."),
}


def text(code, params=None):
    """The reason for `code` in the active language; an unknown code (from a newer release) shows as itself."""
    message = REASONS.get(code)
    if message is None:
        return code
    try:
        return str(message) % (params or {})
    except (KeyError, TypeError, ValueError):  # params from another release: the message without them
        return str(message)
