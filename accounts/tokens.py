"""API tokens (JWT) that can be taken back.

A JWT is valid by its signature alone, so revoking one needs state on our side. Two pieces:
- every token carries `tv`, the user's `token_version` when it was issued; authentication and refresh
  compare it with the database, so bumping the version (password change, "log out everywhere", removal
  from the workspace) ends every access and refresh token of that user at once;
- refresh tokens rotate: each refresh blacklists the token it was given (simplejwt's token_blacklist
  app), so a stolen refresh token works at most once, and logout blacklists the one it is handed.

The same version is mixed into the session hash (`User._get_session_auth_hash`), so the pages' sessions
end with the tokens.
"""
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken, TokenError
from rest_framework_simplejwt.serializers import TokenRefreshSerializer
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import RefreshToken

from config.errors import UserError

from . import session_tracking
from .authentication import VERSION_CLAIM, check_version


def issue(user, request=None):
    """A new access/refresh pair for `user`, stamped with their current token version; the login is listed on
    the sessions page (with the address and browser of `request`) until it ends."""
    refresh = RefreshToken.for_user(user)
    refresh[VERSION_CLAIM] = user.token_version
    session_tracking.api_session_start(user=user, refresh=refresh, request=request)
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


def revoke_all(user):
    """End every API token (and, through the session hash, every session) `user` holds."""
    user.token_version_bump()


class RotatingRefreshSerializer(TokenRefreshSerializer):
    """Refresh: the user must still exist, be active and hold the token's version; the given refresh token
    is blacklisted and a new one returned."""

    def validate(self, attrs):
        refresh = self.token_class(attrs["refresh"])  # signature, expiry and blacklist
        user = get_user_model().objects.filter(pk=refresh.get(api_settings.USER_ID_CLAIM)).first()
        if user is None or not user.is_active:
            raise AuthenticationFailed(_("This account no longer exists or is disabled."), code="no_active_account")
        check_version(refresh, user)
        if not session_tracking.api_session_is_live(refresh):
            raise InvalidToken(_("This login was ended from the sessions page. Log in again."))
        # get_or_create on the one-to-one blacklist row: of two refreshes racing with the same token,
        # exactly one creates it; the other sees it taken and is refused like any reuse.
        _row, created = refresh.blacklist()
        if not created:
            raise InvalidToken(_("This refresh token was already used. Log in again."))
        refresh.set_jti()
        refresh.set_exp()
        refresh.set_iat()
        refresh.outstand()
        session_tracking.api_session_refreshed(token=refresh, user=user, request=self.context.get("request"))
        return {"access": str(refresh.access_token), "refresh": str(refresh)}


class TokenNotValid(UserError):
    code = "token_not_valid"


def blacklist_refresh(raw):
    """Logout: the refresh token handed in stops working at once."""
    try:
        token = RefreshToken(raw)
        token.blacklist()
    except TokenError:
        raise TokenNotValid(_("This refresh token is not valid: it expired, was already used or you already "
                              "logged out. Nothing to do."))
    session_tracking.api_session_end(token)


def flush_expired():
    """Drop the records of refresh tokens past their expiry (each login and refresh adds one); an expired
    token is refused by its own `exp`, so its blacklist row is no longer needed."""
    from django.utils import timezone
    from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

    deleted, _rows = OutstandingToken.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted + session_tracking.sessions_flush()
