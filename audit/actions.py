"""The catalogue of what the audit log records: a stable code per action, and its words in the reader's language.

Codes are stored; the words are looked up when a page shows them, so a row reads in the language of whoever reads
it. A code missing here is a bug at the call site: `audit_record` logs it as an error and writes nothing.
"""
from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "auth.login": _("Signed in"),
    "auth.login_failed": _("Failed sign-in"),
    "2fa.enabled": _("Two-factor sign-in turned on"),
    "2fa.disabled": _("Two-factor sign-in turned off"),
    "2fa.failed": _("Wrong two-factor code"),
    "2fa.recovery_used": _("Recovery code used"),
    "2fa.recovery_regenerated": _("New recovery codes made"),
    "session.revoked": _("Session ended"),
    "member.invited": _("Member invited"),
    "invitation.revoked": _("Invitation withdrawn"),
    "member.joined": _("Member joined"),
    "member.removed": _("Member removed"),
    "device.added": _("WhatsApp number added"),
    "device.removed": _("WhatsApp number removed"),
    "contacts.exported": _("Contacts exported"),
    "contacts.deleted": _("Contacts deleted in bulk"),
    "apikey.created": _("API key created"),
    "apikey.revoked": _("API key revoked"),
    "webhook.created": _("Webhook added"),
    "webhook.changed": _("Webhook changed"),
    "webhook.deleted": _("Webhook deleted"),
    "plan.chosen": _("Plan chosen"),
    "plan.changed": _("Plan changed"),
    "plan.paid": _("Plan paid and active"),
    "plan.trial_started": _("Free trial started"),
    "plan.refunded": _("Plan refunded"),
    "payment.rejected": _("Online payment notification refused"),
    "assistant.changed": _("AI assistant settings changed"),
}


def label(code):
    return ACTIONS.get(code, code)


def choices():
    return list(ACTIONS.items())
