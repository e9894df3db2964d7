"""Password reset by e-mail: asking for a link, the mail, and setting the new password (the API's confirm; the
page uses Django's PasswordResetConfirmView with the same token generator).

No user enumeration: a request answers the same whatever the address, and the lookup and the mail happen in a
task (`password_reset_mail_task`), so the request does the same work, in the same time, for an address that has
an account and one that has not. The link carries Django's PasswordResetTokenGenerator token: it hashes the
password, so it works once, and it expires after PASSWORD_RESET_TIMEOUT seconds. Setting the new password saves
the user, and `User.save` bumps the token version: every session and every API token of the account ends.
"""
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from config import queue
from config.errors import UserError

from . import ratelimit
from .language import writer_language
from .models import User

MAIL_TASK = "accounts.tasks.password_reset_mail_task"  # by path: tasks.py imports this module
WINDOW = 3600  # the rate limits count per hour


class ResetLinkInvalid(UserError):
    code = "reset_link_invalid"


def _normal(email):
    return (email or "").strip().lower()


def password_reset_request(*, email, ip):
    """Ask for a reset link for `email`. Raises RateLimited when this client asked too often; otherwise returns
    nothing, whether or not the address has an account (the caller answers the same either way).

    Over the per-address limit nothing more is sent and the answer does not change: a stranger can neither fill
    someone's mailbox nor learn anything from a different answer."""
    email = _normal(email)
    wait = ratelimit.hit("password-reset-ip", ip, limit=settings.PASSWORD_RESET_RATE_LIMIT_PER_IP, window=WINDOW)
    if wait:
        raise ratelimit.RateLimited(
            _("Too many password reset requests from your network. Try again in %(minutes)s minutes.")
            % {"minutes": max(1, wait // 60)}, retry_after=wait)
    if ratelimit.hit("password-reset-email", email, limit=settings.PASSWORD_RESET_RATE_LIMIT_PER_EMAIL,
                     window=WINDOW):
        return
    queue.require()  # the broker is down: say so (for every address alike) rather than lose the mail unseen
    queue.enqueue(MAIL_TASK, email)  # nothing was written for the task to wait for


def reset_link(user):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("accounts:password_reset_confirm",
                   kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)})
    return settings.SITE_URL + path


def password_reset_mail(*, email):
    """Send the reset link to each active account with a usable password at `email` (none or one); in the
    language the person reads Sebar in."""
    for user in PasswordResetForm().get_users(_normal(email)):
        membership = user.membership if hasattr(user, "membership") else None  # operators have none
        with writer_language(user, membership.workspace if membership else None):
            subject = _("Reset your Sebar password")
            message = render_to_string("accounts/password_reset_email.txt", {
                "user": user, "link": reset_link(user),
                "minutes": settings.PASSWORD_RESET_TIMEOUT // 60})
        send_mail(subject=subject, message=message, from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[user.email])


def user_for_link(uidb64, token):
    """The user a reset link belongs to, or ResetLinkInvalid (unknown, used, expired or altered: one answer)."""
    try:
        user = User.objects.filter(pk=force_str(urlsafe_base64_decode(uidb64)), is_active=True).first()
    except (TypeError, ValueError, OverflowError, ValidationError):
        user = None
    if user is None or not default_token_generator.check_token(user, token):
        raise ResetLinkInvalid(_("This password reset link is invalid, already used or expired. Ask for a new one "
                                 "from the login page (Forgot password?)."))
    return user


def password_reset_confirm(*, uidb64, token, new_password):
    """Set a new password from a reset link. Ends every session and API token of the account (User.save)."""
    user = user_for_link(uidb64, token)
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as exc:
        raise UserError(" ".join(exc.messages), code="weak_password",
                        fields={"new_password": " ".join(exc.messages)})
    user.set_password(new_password)
    user.save()
    return user
