"""Two-factor sign-in: an authenticator app's codes (TOTP, RFC 6238, through pyotp) and one-time recovery codes.

Turning it on, off and making new recovery codes each ask for a good code, so nobody at an unlocked computer can
change them. Signing in, the code is a second step after the password: the pages keep "password checked" in the
session (login_pending_*) and log in only once the code is good; the API wants both in one request. Every code
tried counts against a per-account limit, so the six digits cannot be walked through.
"""
import hashlib
import secrets
import time

import pyotp
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from common.qr import qr_data_uri
from config.errors import UserError

from . import ratelimit
from .hooks import sensitive_action
from .models import Membership, RecoveryCode, TwoFactor, User
from .tenancy import membership_for

ISSUER = "Sebar"
STEP = 30  # seconds per code, what every authenticator app uses
RECOVERY_CODES = 10
# 31 letters and digits that cannot be mistaken for each other (no 0/o, 1/l/i); 16 of them are 79 bits.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_LENGTH = 16
PENDING_KEY = "sebar_2fa_pending"


class TwoFactorInvalid(UserError):
    code = "two_factor_invalid"
    status_code = 401  # as a wrong password is, to the API


class TwoFactorRequired(UserError):
    code = "two_factor_required"
    status_code = 401


class TwoFactorSetupRequired(UserError):
    code = "two_factor_setup_required"
    status_code = 403


def required_for(user):
    """The operator requires owners to use a second factor (SEBAR_REQUIRE_OWNER_2FA) and `user` is an owner."""
    if not settings.SEBAR_REQUIRE_OWNER_2FA:
        return False
    membership = membership_for(user)
    return membership is not None and membership.role == Membership.Role.OWNER


def device_for(user):
    return TwoFactor.objects.filter(user=user).first()


def is_enabled(user):
    return TwoFactor.objects.filter(user=user).exists()


def secret_new():
    return pyotp.random_base32()


def setup_qr(user, secret):
    """The otpauth:// address an authenticator app reads, and its QR code as an image."""
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    return uri, qr_data_uri(uri)


def secret_grouped(secret):
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _digits(code):
    code = "".join((code or "").split())
    return code if len(code) == 6 and code.isdigit() else None


def _totp_step(secret, code, now=None):
    """The time step `code` is good for (this one, or the one before or after for a phone clock a little off), or
    None."""
    code = _digits(code)
    if code is None:
        return None
    totp = pyotp.TOTP(secret)
    current = int((now if now is not None else time.time()) // STEP)
    for step in (current, current - 1, current + 1):
        if constant_time_compare(totp.generate_otp(step), code):
            return step
    return None


def _recovery_normal(code):
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def _recovery_hash(code):
    return hashlib.sha256(_recovery_normal(code).encode()).hexdigest()


def _recovery_new():
    raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _i in range(RECOVERY_LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, RECOVERY_LENGTH, 4))


def _recovery_replace(user):
    codes = [_recovery_new() for _i in range(RECOVERY_CODES)]
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create([RecoveryCode(user=user, code_hash=_recovery_hash(c)) for c in codes])
    return codes


def recovery_codes_left(user):
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def _workspace(user):
    membership = membership_for(user)
    return membership.workspace if membership else None


def _throttle(user):
    wait = ratelimit.hit("login-2fa", user.pk, limit=settings.LOGIN_2FA_RATE_LIMIT,
                         window=settings.LOGIN_RATE_LIMIT_WINDOW)
    if wait:
        raise ratelimit.RateLimited(
            _("Too many codes tried. Try again in %(seconds)s seconds.") % {"seconds": wait}, retry_after=wait)


def code_check(*, user, code, allow_recovery=True, request=None):
    """Accept one code for `user`: the authenticator's (each works once) or, when allowed, an unused recovery
    code (then spent). Returns "totp" or "recovery"; raises RateLimited or TwoFactorInvalid, recording the miss."""
    _throttle(user)
    device = device_for(user)
    if device is None:
        raise TwoFactorInvalid(_("Two-factor sign-in is not turned on for this account."))
    step = _totp_step(device.secret, code)
    # Conditional UPDATE: of two sign-ins racing with the same code, one moves last_step and the other is refused.
    if step is not None and TwoFactor.objects.filter(pk=device.pk, last_step__lt=step).update(last_step=step) == 1:
        return "totp"
    if allow_recovery and _digits(code) is None and _recovery_normal(code):
        used = RecoveryCode.objects.filter(user=user, code_hash=_recovery_hash(code), used_at__isnull=True).update(
            used_at=timezone.now())
        if used == 1:
            sensitive_action.send(__name__, action="2fa.recovery_used", actor=user, workspace=_workspace(user),
                                  request=request, target=user.email, left=recovery_codes_left(user))
            return "recovery"
    sensitive_action.send(__name__, action="2fa.failed", actor=None, workspace=_workspace(user), request=request,
                          target=user.email)
    if allow_recovery:
        raise TwoFactorInvalid(_("That code is not right. Type the 6 digits your authenticator app shows now, or "
                                 "one of your recovery codes."), fields={"code": _("Wrong or already used code.")})
    raise TwoFactorInvalid(_("That code is not right. Type the 6 digits your authenticator app shows now."),
                           fields={"code": _("Wrong or already used code.")})


def two_factor_enable(*, user, secret, code):
    """Turn two-factor sign-in on with the secret the setup page showed, once the app's first code matches it.
    Returns the new recovery codes, to be shown once. Not limited: the page shows the secret to whoever is on it,
    so guessing its codes gains nothing."""
    step = _totp_step(secret, code)
    if step is None:
        sensitive_action.send(__name__, action="2fa.failed", actor=user, workspace=_workspace(user),
                              target=user.email)
        raise TwoFactorInvalid(_("That code does not match. Check that the app added Sebar from this page's QR "
                                 "code and type the 6 digits it shows now."),
                               fields={"code": _("Wrong code.")})
    with transaction.atomic():
        if TwoFactor.objects.select_for_update().filter(user=user).exists():
            raise TwoFactorInvalid(_("Two-factor sign-in is already on for this account."))
        device = TwoFactor(user=user, secret=secret, last_step=step)
        device.full_clean()
        device.save()
        codes = _recovery_replace(user)
        sensitive_action.send(__name__, action="2fa.enabled", actor=user, workspace=_workspace(user),
                              target=user.email)
    return codes


def two_factor_disable(*, user, code):
    """Turn it off with a good code (a recovery code too: the phone may be the thing that was lost). Refused
    while the operator requires it of owners."""
    if required_for(user):
        raise TwoFactorInvalid(_("This server requires owners to use two-factor sign-in, so it cannot be turned "
                                 "off. Changing phones? An operator can reset it, then you set up the new "
                                 "phone; a recovery code signs you in meanwhile."),
                               code="two_factor_mandatory", status_code=403)
    code_check(user=user, code=code)
    with transaction.atomic():
        TwoFactor.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()
        sensitive_action.send(__name__, action="2fa.disabled", actor=user, workspace=_workspace(user),
                              target=user.email)


def recovery_codes_regenerate(*, user, code):
    """New recovery codes for a code from the app; the old ones stop working. Returns them, to be shown once."""
    code_check(user=user, code=code, allow_recovery=False)
    with transaction.atomic():
        codes = _recovery_replace(user)
        sensitive_action.send(__name__, action="2fa.recovery_regenerated", actor=user, workspace=_workspace(user),
                              target=user.email)
    return codes


def api_login_second_step(*, user, code, request):
    """The API's login: a user with two-factor sign-in sends its code with the password."""
    if is_enabled(user):
        if not (code or "").strip():
            raise TwoFactorRequired(_("This account uses two-factor sign-in: send the 6-digit code from the "
                                      "authenticator app (or a recovery code) as `code` with the email and "
                                      "password."), fields={"code": _("Required for this account.")})
        code_check(user=user, code=code, request=request)
    elif required_for(user):
        raise TwoFactorSetupRequired(_("This server requires owners to use two-factor sign-in. Log in on the "
                                       "website once to set it up, then log in here with its code."))


# --- The pages' second step -------------------------------------------------------------------------------------

def login_pending_begin(request, user, next_url=""):
    """The password was right: remember who, for a few minutes, until the code is given. Nobody is logged in yet.
    The password hash goes along, so a password changed meanwhile ends the half-done sign-in."""
    request.session[PENDING_KEY] = {"uid": user.pk, "hash": user.get_session_auth_hash(), "at": time.time(),
                                    "next": next_url}


def login_pending_user(request):
    """The user whose password was checked in this browser, or None (never asked, expired or changed since)."""
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > settings.LOGIN_2FA_PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=pending.get("uid"), is_active=True).first()
    if user is None or not constant_time_compare(user.get_session_auth_hash(), pending.get("hash", "")):
        return None
    return user


def login_pending_next(request):
    pending = request.session.get(PENDING_KEY)
    return pending.get("next", "") if isinstance(pending, dict) else ""


def login_pending_end(request):
    request.session.pop(PENDING_KEY, None)
