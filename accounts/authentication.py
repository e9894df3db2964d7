"""The API's JWT authentication: simplejwt's, plus the per-user token version (see accounts/tokens.py).

Its own module because DRF imports authentication classes while `rest_framework.views` loads, before
config.errors (which needs DRF) can be imported: nothing here may import config.errors.
"""
from django.utils.translation import gettext as _
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed

from .language import user_language_activate

VERSION_CLAIM = "tv"


def check_version(token, user):
    # Tokens issued before versions existed carry none: they count as version 0 and end at the first bump.
    if token.get(VERSION_CLAIM, 0) != user.token_version:
        raise AuthenticationFailed(_("This token was revoked. Log in again."), code="token_revoked")


class VersionedJWTAuthentication(JWTAuthentication):
    """Checked on every authenticated API request; no extra query, the version is on the user row."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            # UserLanguageMiddleware ran before DRF read the token and saw an anonymous user; without this a
            # JWT client got the Accept-Language guess (or English) instead of the language saved on them.
            user_language_activate(request._request, result[0])
        return result

    def get_user(self, validated_token):
        user = super().get_user(validated_token)
        check_version(validated_token, user)
        return user


class VersionedJWTScheme(SimpleJWTScheme):
    """/api/docs/ shows the same bearer scheme as for plain simplejwt."""

    target_class = VersionedJWTAuthentication
