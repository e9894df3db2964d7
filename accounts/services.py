"""Account writes: sign-up, login checks. Views and the API both call these."""
from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.errors import UserError

from . import email_address, login_devices, ratelimit, session_tracking, tokens, two_factor
from .client_address import client_ip  # audit, email_views and the API read it here too
from .models import Membership, User, Workspace
from .workspace_settings import supported_language


class EmailTaken(UserError):
    code = "email_taken"


class InvalidCredentials(UserError):
    code = "invalid_credentials"
    status_code = 401


def user_signup(*, email, password, full_name="", workspace_name="", language=""):
    """Create a user, their workspace and their owner membership, all or nothing.

    `language` is the one the person signed up in: their pages stay in it (User.language), and a shop
    that signs up in Indonesian writes to its customers in Indonesian until the owner changes it on the
    settings page."""
    email = (email or "").strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise EmailTaken(
            _("An account with %(email)s already exists. Log in with it instead.") % {"email": email},
            fields={"email": _("This email is already registered.")},
        )
    user = User(email=email, full_name=full_name.strip(), language=supported_language(language))
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise UserError(" ".join(exc.messages), code="weak_password", fields={"password": " ".join(exc.messages)})
    user.set_password(password)
    try:
        user.full_clean()
    except ValidationError as exc:
        fields = {k: str(v[0]) for k, v in exc.message_dict.items()}
        raise UserError("; ".join(fields.values()), fields=fields)
    with transaction.atomic():
        user.save()
        workspace = Workspace(name=(workspace_name or "").strip() or _("%(name)s's business") % {
            "name": user.get_short_name()})
        workspace.language = supported_language(language) or workspace.language
        workspace.full_clean()
        workspace.save()
        Membership.objects.create(user=user, workspace=workspace, role=Membership.Role.OWNER)
        transaction.on_commit(lambda: email_address.verification_send_after_signup(user))
    return user


def login_throttle(request, email):
    """Before checking a password: raise RateLimited when this client has tried too often.

    Every login form calls it, the app's, the API's and the operators' admin. The limits fall on the guesser,
    never on the account's owner: attempts are counted per client address, and per email address from one
    client; wrong passwords for an address from anywhere stop only browsers that never logged in to it."""
    email = (email or "").strip().lower()
    ip = client_ip(request)
    window = settings.LOGIN_RATE_LIMIT_WINDOW
    waits = [
        ratelimit.hit("login-ip", ip, limit=settings.LOGIN_RATE_LIMIT_PER_IP, window=window),
        ratelimit.hit("login-email-ip", f"{email}|{ip}", limit=settings.LOGIN_RATE_LIMIT_PER_EMAIL, window=window),
    ]
    if not login_devices.is_known(request, email):
        waits.append(ratelimit.over("login-account-failures", email, limit=settings.LOGIN_RATE_LIMIT_PER_ACCOUNT,
                                    window=window))
    wait = max((w for w in waits if w), default=None)
    if wait:
        raise ratelimit.RateLimited(
            _("Too many login attempts. Try again in %(seconds)s seconds.") % {"seconds": wait}, retry_after=wait
        )


def login_failed(request, email):
    """After a wrong password: one more failure for the account-wide count."""
    email = (email or "").strip().lower()
    ratelimit.hit("login-account-failures", email, limit=settings.LOGIN_RATE_LIMIT_PER_ACCOUNT,
                  window=settings.LOGIN_RATE_LIMIT_WINDOW)


def user_login_check(*, request, email, password):
    """Rate-limit, then authenticate. Raises RateLimited or InvalidCredentials."""
    email = (email or "").strip().lower()
    login_throttle(request, email)
    user = authenticate(request, email=email, password=password)
    if user is None:
        login_failed(request, email)
        raise InvalidCredentials(_("Wrong email or password. Check both and try again."))
    return user


def user_login_api(*, request, email, password, code=""):
    """The API's login: the password, then the second factor's code when the account has one (or must)."""
    user = user_login_check(request=request, email=email, password=password)
    two_factor.api_login_second_step(user=user, code=code, request=request)
    return user


def logout_everywhere(user):
    """End every API token and every session `user` has, on every device."""
    tokens.revoke_all(user)
    session_tracking.sessions_forget_all(user)


def first_steps_hide(*, membership):
    """Hide the dashboard's first-steps checklist for this member, for good (dismissed or finished)."""
    now = timezone.now()
    # Conditional, so a second tab or a double click keeps the first moment.
    Membership.objects.for_workspace(membership.workspace).filter(
        pk=membership.pk, first_steps_hidden_at__isnull=True).update(first_steps_hidden_at=now)
    membership.first_steps_hidden_at = membership.first_steps_hidden_at or now
