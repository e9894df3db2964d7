"""Browsers that have logged in to an account before, remembered by a signed cookie.

An account-wide limit on wrong passwords stops a guesser who spreads attempts over many addresses, but applied
to everyone it would let that guesser lock the real owner out. So the account-wide limit spares the browsers
this account already logged in from (OWASP's "device cookie" defence): the guesser is limited, the owner is not.
"""
import hashlib

from django.conf import settings
from django.core import signing

COOKIE = "sebar_known_device"
SALT = "accounts.login_devices"
MAX_AGE = 180 * 24 * 3600


def _tag(email):
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]


def is_known(request, email):
    raw = request.COOKIES.get(COOKIE, "")
    if not raw or not email:
        return False
    try:
        tags = signing.loads(raw, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return False
    return isinstance(tags, list) and _tag(email) in tags


def remember(request, response, email):
    """After a successful login: mark this browser as known for `email` (a few accounts per browser)."""
    tags = []
    raw = request.COOKIES.get(COOKIE, "")
    if raw:
        try:
            tags = [t for t in signing.loads(raw, salt=SALT, max_age=MAX_AGE) if isinstance(t, str)]
        except (signing.BadSignature, TypeError):
            tags = []
    tag = _tag(email)
    tags = ([tag] + [t for t in tags if t != tag])[:5]
    response.set_cookie(COOKIE, signing.dumps(tags, salt=SALT), max_age=MAX_AGE, httponly=True,
                        secure=settings.SESSION_COOKIE_SECURE, samesite="Lax")


class KnownDeviceMiddleware:
    """Writes the cookie for every session login (the app's and the operators' /admin/login/).

    The user_logged_in signal (connected in AccountsConfig.ready) marks the request; the cookie can only be set on the
    response, which the signal never sees."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        email = getattr(request, "_sebar_logged_in_email", None)
        if email:
            remember(request, response, email)
        return response


def mark_login(sender, request, user, **kwargs):
    if request is not None:
        request._sebar_logged_in_email = user.email
