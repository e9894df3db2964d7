"""What went wrong with a number, as a code stored on the device and words made on reading.

A worker writes the code; the page or API that shows it says it in the reader's language (a worker has no
reader, so words stored by it would be in the server's language for everyone). What WAHA itself said is kept
as text beside it (``Device.last_error``): those words are WAHA's, not ours, and are shown as they are.
"""
from django.utils.translation import gettext_lazy as _

TEXTS = {
    "session_failed": _("WhatsApp logged this number out or lost the link. Reconnect and scan the QR again."),
    "session_stopped": _("The WhatsApp session stopped. Press Reconnect to start it again."),
    "session_gone": _("The WhatsApp session no longer exists on the gateway. Press Reconnect and scan the QR again."),
    "session_missing": _("WAHA no longer has this number's session. Press Reconnect and scan the QR again."),
}


def error_text(code, stored=""):
    """The words for a device's error: ours for a known code, else what was stored (WAHA's own words)."""
    if code in TEXTS:
        return str(TEXTS[code])
    return stored
