"""The account's e-mail address: confirming it after sign-up, changing it, and the operator's requirement that an
owner confirm it before broadcasts (SEBAR_REQUIRE_EMAIL_VERIFICATION; campaigns asks `broadcast_check`).

Links carry a token signed with django.core.signing (the SECRET_KEY, a salt per purpose, an age limit). It names
the user and the address it is for, so a link for an address the account no longer has does nothing: a change
link works once (after it the account's address is the new one, not the old one it names).
"""
import logging

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from config.errors import UserError

from . import ratelimit
from .language import writer_language
from .models import Membership, User

log = logging.getLogger(__name__)
VERIFY_SALT = "accounts.email.verify"
CHANGE_SALT = "accounts.email.change"
VERIFY_MAX_AGE = 7 * 24 * 3600  # a week: sign-up mail is often read days later
CHANGE_MAX_AGE = 24 * 3600
WINDOW = 3600


class EmailLinkInvalid(UserError):
    code = "email_link_invalid"


class EmailUnverified(UserError):
    code = "email_unverified"
    status_code = 403


def _mail(user, to, subject, template, context):
    membership = user.membership if hasattr(user, "membership") else None  # operators have none
    with writer_language(user, membership.workspace if membership else None):
        subject = str(subject())
        message = render_to_string(template, {"user": user, **context})
    send_mail(subject=subject, message=message, from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[to])


def _link(route, token):
    return settings.SITE_URL + reverse(route, kwargs={"token": token})


def _load(token, salt, max_age):
    try:
        return signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise EmailLinkInvalid(_("This link has expired. Ask for a new one from your account page."))
    except signing.BadSignature:
        raise EmailLinkInvalid(_("This link is not valid. Copy the whole link from the e-mail, or ask for a new "
                                 "one from your account page."))


# ---------------------------------------------------------------- verification


def verification_send_after_signup(user):
    """After sign-up's commit: a mail server that is down must not turn the new account into an error page; the
    banner's Resend sends the link again."""
    try:
        verification_send(user)
    except OSError as exc:  # smtplib's errors are OSErrors
        log.warning("The verification e-mail to user %s could not be sent (%s); the banner offers Resend",
                    user.pk, exc)


def verification_send(user):
    token = signing.dumps({"u": user.pk, "e": user.email}, salt=VERIFY_SALT)
    _mail(user, user.email, lambda: _("Confirm your e-mail address for Sebar"), "accounts/email_verify_email.txt",
          {"link": _link("accounts:email_verify", token), "days": VERIFY_MAX_AGE // 86400})


def verification_resend(*, user):
    """The banner's Resend: a new link, a few times an hour at most (RateLimited beyond)."""
    if user.email_verified_at:
        return
    wait = ratelimit.hit("email-verify-resend", user.pk, limit=settings.PASSWORD_RESET_RATE_LIMIT_PER_EMAIL,
                         window=WINDOW)
    if wait:
        raise ratelimit.RateLimited(
            _("We already sent several links this hour. Check your spam folder, or try again in %(minutes)s "
              "minutes.") % {"minutes": max(1, wait // 60)}, retry_after=wait)
    verification_send(user)


def email_verify(*, token):
    """Mark the address the link was sent to as confirmed; returns the user. Safe to open twice."""
    data = _load(token, VERIFY_SALT, VERIFY_MAX_AGE)
    user = User.objects.filter(pk=data.get("u"), email=data.get("e")).first()
    if user is None:
        raise EmailLinkInvalid(_("This link is for an address your account no longer has. Ask for a new one from "
                                 "the banner at the top of the page."))
    User.objects.filter(pk=user.pk, email_verified_at__isnull=True).update(email_verified_at=timezone.now())
    user.refresh_from_db(fields=["email_verified_at"])
    return user


def broadcast_check(workspace):
    """Raise EmailUnverified when the operator requires a confirmed address and no owner of `workspace` has one."""
    if not settings.SEBAR_REQUIRE_EMAIL_VERIFICATION:
        return
    owners = Membership.objects.for_workspace(workspace).filter(role=Membership.Role.OWNER).select_related("user")
    if any(m.user.email_verified_at for m in owners):
        return
    email = owners[0].user.email if owners else ""
    raise EmailUnverified(
        _("Confirm your e-mail address before sending broadcasts: open the link we sent to %(email)s, or press "
          "Resend in the banner at the top of the page to get a new one.") % {"email": email})


# ---------------------------------------------------------------- change


def _taken(email, user):
    return User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists()


def _taken_error(email):
    return UserError(_("%(email)s already belongs to another Sebar account. Choose another address.")
                     % {"email": email}, code="email_taken", fields={"new_email": _("Already registered.")})


def email_change_request(*, user, new_email, password):
    """Send a confirmation link to `new_email` and a notice to the current address; nothing changes until the
    link is opened."""
    new_email = (new_email or "").strip().lower()
    try:
        validate_email(new_email)
    except ValidationError:
        raise UserError(_("Enter a valid e-mail address, e.g. budi@example.com."),
                        fields={"new_email": _("Enter a valid e-mail address.")})
    if not user.check_password(password or ""):
        raise UserError(_("The current password is wrong. Type the password you log in with."),
                        code="invalid_credentials", fields={"password": _("Wrong password.")})
    if new_email == user.email.lower():
        raise UserError(_("That is already your address."), fields={"new_email": _("Already your address.")})
    if _taken(new_email, user):
        raise _taken_error(new_email)
    token = signing.dumps({"u": user.pk, "old": user.email, "new": new_email}, salt=CHANGE_SALT)
    _mail(user, new_email, lambda: _("Confirm your new e-mail address for Sebar"), "accounts/email_change_email.txt",
          {"link": _link("accounts:email_change_confirm", token), "new_email": new_email,
           "hours": CHANGE_MAX_AGE // 3600})
    _mail(user, user.email, lambda: _("Your Sebar e-mail address is about to change"),
          "accounts/email_change_notice_email.txt", {"new_email": new_email})
    return new_email


def email_change_confirm(*, token):
    """The link in the new address's mailbox: the account's address becomes it (and counts as confirmed)."""
    data = _load(token, CHANGE_SALT, CHANGE_MAX_AGE)
    user = User.objects.filter(pk=data.get("u")).first()
    if user is None or user.email != data.get("old"):
        raise EmailLinkInvalid(_("This link was already used or your address changed since it was sent. Ask for a "
                                 "new one from your account page."))
    new_email = data["new"]
    if _taken(new_email, user):
        raise _taken_error(new_email)
    user.email, user.email_verified_at = new_email, timezone.now()
    try:
        with transaction.atomic():
            user.save(update_fields=["email", "email_verified_at"])
    except IntegrityError:  # taken between the check and the save: the unique index decides
        raise _taken_error(new_email)
    return user
