"""The API's key authentication: `Authorization: Bearer sk_...` or `X-Api-Key: sk_...`, beside JWT.

The principal: request.user is the workspace's owner and request.auth the ApiKey. accounts.tenancy binds a
request to the workspace of request.user's membership, and every API view filters through it; making the owner
the user scopes every query to the key's workspace with no change to any view, and the role checks pass as for the
owner. What a key may do beyond that is narrowed here, by its scopes (keys.VIEW_SCOPES), before any view runs;
each request is attributable to the key through integrations.middleware, not to the owner.

Like accounts/authentication.py, DRF imports this module while `rest_framework.views` loads: nothing here may
import config.errors (or a module that does).
"""
from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from accounts.language import user_language_activate

from . import keys


class ApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request):
        raw = self._raw_key(request)
        if raw is None:
            return None  # no key: JWT or the session may still authenticate
        parts = keys.split(raw)
        key = None
        if parts:
            key = (apps.get_model("integrations", "ApiKey").objects.select_related("workspace")
                   .filter(prefix=parts[0]).first())
        if key is None or not keys.secret_matches(parts[1], key.secret_hash):
            raise exceptions.AuthenticationFailed(
                _("Unknown API key. Check that it was copied whole, or create a new one in Settings → API keys."),
                code="api_key_invalid")
        status = key.status_at(timezone.now())
        if status == key.Status.REVOKED:
            raise exceptions.AuthenticationFailed(
                _("This API key (%(prefix)s) was revoked. Create a new one in Settings → API keys.")
                % {"prefix": key.prefix}, code="api_key_revoked")
        if status == key.Status.EXPIRED:
            raise exceptions.AuthenticationFailed(
                _("This API key (%(prefix)s) expired. Create a new one in Settings → API keys.")
                % {"prefix": key.prefix}, code="api_key_expired")
        owner = self._owner(key)
        # From here on the request is the key's: integrations.middleware records it, whatever the answer.
        request._request.sebar_api_key = key
        self._check_scope(request, key)
        user_language_activate(request._request, owner)
        return owner, key

    def authenticate_header(self, request):
        return 'Bearer realm="api"'

    @staticmethod
    def _raw_key(request):
        header = request.META.get("HTTP_X_API_KEY")
        if header:
            return header
        auth = get_authorization_header(request).split()
        # Only a bearer token shaped like a key is ours; any other (a JWT) is left to the JWT class.
        if len(auth) == 2 and auth[0].lower() == b"bearer" and auth[1].startswith(keys.PREFIX_START.encode()):
            return auth[1].decode(errors="replace")
        return None

    @staticmethod
    def _owner(key):
        membership = (apps.get_model("accounts", "Membership").objects.select_related("user", "workspace")
                      .filter(workspace=key.workspace, role="owner", user__is_active=True).order_by("pk").first())
        if membership is None:
            raise exceptions.AuthenticationFailed(
                _("The workspace of this API key has no active owner any more."), code="api_key_invalid")
        owner = membership.user
        owner._sebar_membership = membership  # accounts.tenancy.membership_for reads it: no second query
        return owner

    @staticmethod
    def _check_scope(request, key):
        view = (getattr(request, "parser_context", None) or {}).get("view")
        needed = keys.scope_for(view, request.method) if view is not None else None
        if needed is None:
            raise exceptions.PermissionDenied(
                _("API keys cannot use this endpoint; log in (session or JWT) as the owner for it."),
                code="api_key_not_allowed")
        if needed not in key.scopes:
            raise exceptions.PermissionDenied(
                _("This API key lacks the “%(scope)s” scope. Create a key with it in Settings → API keys.")
                % {"scope": needed}, code="api_key_scope_missing")


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """/api/docs/ lists keys beside the JWT bearer scheme."""

    target_class = ApiKeyAuthentication
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "X-Api-Key",
                "description": "A workspace API key (sk_...), also accepted as `Authorization: Bearer sk_...`. "
                               "Each endpoint needs one of the key's scopes; key management needs a login."}
