"""The devices app's user-facing errors: WAHA failures and capacity problems, in words that say what to do.

WAHA's own exceptions (``devices.waha.WahaError``) name the session and what WAHA said; ``from_waha``
turns one into a ``UserError`` the API renders as ``{"error","message"}`` and pages show as a message.
A WAHA fault is not the user's fault, but it is something they can act on (wait, retry, tell the
operator), so it is shown as is with a 502/503 rather than hidden behind a bare 500.
"""
from django.utils.translation import gettext as _

from config.errors import UserError
from devices import waha


class WahaFailed(UserError):
    """WAHA refused or failed a call; the message quotes WAHA."""

    code = "waha_error"
    status_code = 502


class DeviceNotReady(UserError):
    """The session is not in a state that allows this yet (e.g. the QR while still starting)."""

    code = "device_not_ready"
    status_code = 409


class NoServerRoom(UserError):
    """Every active WAHA server is full."""

    code = "no_waha_capacity"
    status_code = 503


class SandboxOnly(UserError):
    code = "sandbox_only"
    status_code = 400


def from_waha(exc: waha.WahaError, doing: str) -> UserError:
    """A ``UserError`` for a failed WAHA call; ``doing`` says what Sebar was trying ("showing the QR")."""
    said = exc.waha_message
    if isinstance(exc, waha.WahaUnavailable):
        return WahaFailed(
            _("The WhatsApp gateway (WAHA) did not answer while %(doing)s: %(said)s. Try again in a minute; "
              "if it keeps failing, the operator should check that WAHA is running.") % {"doing": doing, "said": said},
            code="waha_unavailable")
    if isinstance(exc, waha.WahaAuthError):
        return WahaFailed(
            _("WAHA refused Sebar's API key while %(doing)s (%(said)s). The operator must set the right "
              "API key for this WAHA server.") % {"doing": doing, "said": said}, code="waha_auth_failed")
    if isinstance(exc, waha.WahaSessionNotReady):
        return DeviceNotReady(
            _("The WhatsApp session is not ready for %(doing)s yet (%(said)s). Wait a few seconds and try "
              "again.") % {"doing": doing, "said": said})
    if isinstance(exc, waha.WahaNotFound):
        return WahaFailed(
            _("WAHA no longer has this WhatsApp session (%(said)s). Delete the device and add it again.")
            % {"said": said}, code="waha_session_missing", status_code=409)
    return WahaFailed(_("WAHA refused %(doing)s: %(said)s") % {"doing": doing, "said": said})
