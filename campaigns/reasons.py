"""Why a recipient or a campaign stands where it does, said in the reader's language.

The engine runs in a worker whose language is nobody's, so it stores a code and its figures
(`Recipient.error_code` + `error_params`, `Campaign.last_error_code`) and the words are made when
someone reads them: the campaign page and the contact page in the reader's language, the CSV export
in the language of whoever asked for it, the API in the client's. Text stored before these codes
existed, and codes this catalogue does not know, are shown as they were stored.
"""
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from billing.limits import daily_limit_words
from devices.health_reasons import brake_why, when_words

# WAHA's own words (`detail`) are the gateway's, in English whatever the reader's language: they are
# kept as WAHA said them, inside a sentence of ours.
TEXTS = {
    "not_on_whatsapp": _("This number is not on WhatsApp."),
    "cancelled": _("The campaign was cancelled."),
    "sequence_left": _("Not sent: the contact left the sequence first."),
    "paused": _("Waiting: the campaign is paused."),
    "outcome_unknown": _("Outcome unknown: the worker stopped while sending. Not re-sent, so nobody gets it twice; "
                         "WhatsApp's own record will mark it sent if it went out."),
    "waha_ack_error": _("WhatsApp reported an error delivering this message."),
    "waha_error": _("WAHA refused this message: %(detail)s"),
    "waha_unavailable": _("Gave up after %(attempts)s attempts: %(detail)s"),
    "will_retry": _("Not sent yet, tried again later: %(detail)s"),
    "device_cap": _("This number reached the campaign's daily cap per number; sending continues tomorrow "
                    "or from another number."),
    "ramp_cap": _("This number reached today's cap of its warm-up ramp; sending continues tomorrow or from another "
                  "number."),
    "hourly_cap": _("This number sent its hourly cap per number; it pauses until that hour is over, or "
                    "another number sends it."),
    "contact_cap": _("Skipped: this contact already got %(messages)s broadcast messages in the last %(days)s "
                     "days, the limit per contact set in Contacts → Settings."),
    "empty_audience": _("No contacts matched the tags when the campaign started."),
    "plan_lapsed": _("Paused because the plan lapsed. It resumes by itself after payment."),
}


def braked_words(until="", why=()):
    """Every number of the campaign is braked by WhatsApp's signals (devices.health.brake_of)."""
    whys = ", ".join(brake_why(code) for code in why) or gettext("WhatsApp's limits")
    if until:
        return gettext("Waiting: every number of this campaign is braked (%(why)s), so the contacts who never wrote "
                       "to them wait; sending should go on about %(until)s.") % {"why": whys,
                                                                                  "until": when_words(until)}
    return gettext("Waiting: every number of this campaign is braked (%(why)s), so the contacts who never wrote to "
                   "them wait until WhatsApp lifts its limits; Sebar looks again every few minutes.") % {"why": whys}


BUILDERS = {"daily_limit": daily_limit_words, "braked": braked_words}


def reason(code, **params):
    """The fields a recipient row's UPDATE writes for this reason (the text itself is made on reading)."""
    if code not in TEXTS and code not in BUILDERS:
        raise KeyError(f"unknown reason code {code!r}: add it to campaigns/reasons.py")
    return {"error_code": code, "error_params": params, "error": ""}


def reason_text(code, params=None, stored=""):
    """The words for a stored reason, in the active language."""
    params = params or {}
    if code in BUILDERS:
        try:
            return BUILDERS[code](**params)
        except TypeError:  # figures of an older shape: what was stored, rather than an error page
            return stored
    if code in TEXTS:
        try:
            return str(TEXTS[code]) % params
        except (KeyError, TypeError, ValueError):
            return stored or str(TEXTS[code])
    return stored
