"""Which language Sebar speaks, and to whom.

- A member reads the pages in their own language. The switch at the top of every page saves it on
  `User.language` (accounts.views.language_switch) and `UserLanguageMiddleware` applies it on every request, so it
  follows the person to a new session or another browser instead of living in one cookie.
- A customer hears the workspace's language (`Workspace.language`), never the language of whoever or
  whatever triggered the text: a worker's default, an English-speaking agent. Every place that composes
  a text for a customer, or stores a value Sebar makes up (a tag, a source, a reason), runs inside
  `workspace_language(workspace)`.
"""
from django.conf import settings
from django.utils import translation

from .workspace_settings import supported_language


def workspace_language(workspace):
    """`with workspace_language(ws):` gettext answers in the workspace's language."""
    return translation.override(supported_language(getattr(workspace, "language", "")) or settings.LANGUAGE_CODE)


def writer_language(user, workspace):
    """`with writer_language(inviter, ws):` for mail a member has Sebar write on their behalf (an invitation):
    the language saved on them, else the workspace's; never the language of the thread that happens to send it
    (a worker's default, a resend, an API client's Accept-Language)."""
    language = user_language(user)
    return translation.override(language) if language else workspace_language(workspace)


def user_language(user):
    """The language the user chose for the pages, or "" when they never chose one."""
    if not getattr(user, "is_authenticated", False):
        return ""
    return supported_language(user.language)


def user_language_save(*, user, language):
    """Remember the user's choice; an unknown code changes nothing."""
    language = supported_language(language)
    if language and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


def user_language_activate(request, user):
    """Speak the user's saved language for the rest of this request; returns it ("" when none is saved, and
    the cookie's or the Accept-Language header's guess stays)."""
    language = user_language(user)
    if language:
        translation.activate(language)
        request.LANGUAGE_CODE = language
    return language


class UserLanguageMiddleware:
    """After AuthenticationMiddleware (it needs request.user), after LocaleMiddleware (it overrides the
    cookie's or the browser's guess with the member's saved choice). An API client with a JWT is still
    anonymous here: accounts.authentication applies its saved language once DRF has read the token."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = user_language_activate(request, request.user)
        response = self.get_response(request)
        if language and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            # The cookie follows the saved choice, so the login page after a logout stays in it too.
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE)
        return response
