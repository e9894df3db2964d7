"""Listing and ending an account's sessions: browser sessions (WebSession) and API logins (ApiSession).

A browser session gets its row when it logs in (Django's user_logged_in, connected in AccountsConfig.ready) and
SessionSeenMiddleware keeps its last address, browser and "last seen" current, at most every SEEN_EVERY seconds.
An API login gets its row when its tokens are issued (accounts/tokens.py) and each refresh moves it on.

Ending one: the session is deleted from the session store (whatever SESSION_ENGINE is), or the chain's current
refresh token blacklisted. Ending all at once is the token version (accounts/tokens.py); those rows then fall
behind the user's version, are no longer listed, and the flush task deletes them.
"""
import ipaddress
from datetime import UTC, datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import logout
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .client_address import client_ip
from .hooks import sensitive_action
from .models import ApiSession, WebSession
from .user_agents import describe

SESSION_ID_KEY = "sebar_sid"
SESSION_KEY_SEEN = "sebar_sk"  # the store key last written on the row: a change (password change) is followed at once
SEEN_AT_KEY = "sebar_seen"
SEEN_EVERY = 300
UA_MAX = WebSession._meta.get_field("user_agent").max_length
FAMILY_CLAIM = "fam"


def _ip(request):
    try:
        return str(ipaddress.ip_address(client_ip(request))) if request is not None else None
    except ValueError:
        return None


def _ua(request):
    return (request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:UA_MAX]


# --- Browser sessions ----------------------------------------------------------------------------------------

def web_session_record(request, user):
    """A new row for the session `request` carries, and its id into the session."""
    session = request.session
    if session.session_key is None:
        session.save()  # a key now, so the row can name it
    row = WebSession.objects.create(user=user, session_key=session.session_key, user_agent=_ua(request),
                                    ip=_ip(request), token_version=user.token_version)
    session[SESSION_ID_KEY] = str(row.public_id)
    session[SESSION_KEY_SEEN] = session.session_key
    session[SEEN_AT_KEY] = int(timezone.now().timestamp())
    return row


def on_logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        web_session_record(request, user)


def on_logged_out(sender, request, user, **kwargs):
    sid = request.session.get(SESSION_ID_KEY) if request is not None and hasattr(request, "session") else None
    if sid and user is not None:
        WebSession.objects.filter(user=user, public_id=sid).delete()


def _seen(request, user):
    """After the view: keep the row's key, address and time current; a session whose row was deleted (ended from
    another device while the store kept it, or by an operator) is logged out."""
    session = request.session
    sid = session.get(SESSION_ID_KEY)
    if sid is None:
        web_session_record(request, user)  # signed in before sessions were listed
        return
    now = int(timezone.now().timestamp())
    key_moved = session.session_key is not None and session.get(SESSION_KEY_SEEN) != session.session_key
    if not key_moved and now - session.get(SEEN_AT_KEY, 0) < SEEN_EVERY:
        return
    changes = {"last_seen_at": timezone.now(), "user_agent": _ua(request), "ip": _ip(request),
               "token_version": user.token_version}
    if session.session_key is not None:
        changes["session_key"] = session.session_key
    if WebSession.objects.filter(user=user, public_id=sid).update(**changes) == 0:
        logout(request)
        return
    session[SESSION_KEY_SEEN] = session.session_key
    session[SEEN_AT_KEY] = now


class SessionSeenMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        # The session's own user only: DRF's JWT users are set on the request, never in the session.
        if getattr(user, "is_authenticated", False) and hasattr(request, "session") and \
                request.session.get("_auth_user_id") == str(user.pk):
            _seen(request, user)
        return response


def _store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def web_session_revoke(*, user, public_id):
    """End one of `user`'s browser sessions (DoesNotExist for another account's)."""
    row = WebSession.objects.get(user=user, public_id=public_id)
    with transaction.atomic():
        _store()(session_key=row.session_key).delete()
        row.delete()
        sensitive_action.send(__name__, action="session.revoked", actor=user, target=row.user_agent[:80] or "web")
    return row


# --- API logins ----------------------------------------------------------------------------------------------

def api_session_start(*, user, refresh, request=None):
    """Called as a login's refresh token is made: a row for it, and its id into the token as `fam`."""
    row = ApiSession(user=user, jti="", user_agent=_ua(request), ip=_ip(request),
                     token_version=user.token_version, expires_at=_exp(refresh))
    refresh[FAMILY_CLAIM] = str(row.public_id)
    row.jti = refresh["jti"]
    row.save()
    return row


def _exp(token):
    return datetime.fromtimestamp(token["exp"], tz=UTC)


def api_session_is_live(token):
    """False for a chain ended on the sessions page; tokens from before chains existed carry no `fam`."""
    family = token.get(FAMILY_CLAIM)
    return family is None or ApiSession.objects.filter(public_id=family).exists()


def api_session_refreshed(*, token, user, request=None):
    """After a refresh: the chain's current token, address and time."""
    family = token.get(FAMILY_CLAIM)
    if family:
        ApiSession.objects.filter(public_id=family, user=user).update(
            jti=token["jti"], expires_at=_exp(token), last_seen_at=timezone.now(), user_agent=_ua(request),
            ip=_ip(request), token_version=user.token_version)


def api_session_end(token):
    """Logout with this refresh token: its chain leaves the list."""
    family = token.get(FAMILY_CLAIM)
    if family:
        ApiSession.objects.filter(public_id=family).delete()


def api_session_revoke(*, user, public_id):
    """End one of `user`'s API logins: its current refresh token is blacklisted (DoesNotExist for another
    account's). Its last access token lives out its few minutes (JWT_ACCESS_MINUTES)."""
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

    row = ApiSession.objects.get(user=user, public_id=public_id)
    with transaction.atomic():
        outstanding = OutstandingToken.objects.filter(jti=row.jti).first()
        if outstanding is not None:
            BlacklistedToken.objects.get_or_create(token=outstanding)
        row.delete()
        sensitive_action.send(__name__, action="session.revoked", actor=user, target=row.user_agent[:80] or "API")
    return row


# --- Everything at once, and the list ------------------------------------------------------------------------

def sessions_forget_all(user):
    """After "log out everywhere": the rows of sessions and tokens that just ended."""
    WebSession.objects.filter(user=user).delete()
    ApiSession.objects.filter(user=user).delete()


def sessions_of(user, *, current_sid=None):
    """The account's live browser sessions (this one first) and API logins, newest seen first."""
    idle = timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    web = list(WebSession.objects.filter(user=user, token_version=user.token_version, last_seen_at__gt=idle)
               .order_by("-last_seen_at"))
    for row in web:
        row.is_current = str(row.public_id) == str(current_sid or "")
    web.sort(key=lambda row: not row.is_current)
    api = list(ApiSession.objects.filter(user=user, token_version=user.token_version,
                                         expires_at__gt=timezone.now()).order_by("-last_seen_at"))
    for row in web + api:
        row.device = describe(row.user_agent)
    return web, api


def sessions_flush():
    """Rows of sessions that can no longer be used: past their age, or behind their user's token version."""
    idle = timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    web, _rows = WebSession.objects.filter(Q(last_seen_at__lte=idle) | Q(token_version__lt=F("user__token_version"))
                                           ).delete()
    api, _rows = ApiSession.objects.filter(Q(expires_at__lte=timezone.now())
                                           | Q(token_version__lt=F("user__token_version"))).delete()
    return web + api
