"""Auth API: signup, login (JWT pair), refresh (rotating), logout, logout everywhere, password reset, me."""
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.views import TokenRefreshView

from config.errors import ERRORS, ErrorSerializer

from .. import password_reset, services, tokens
from ..hooks import sensitive_action
from ..ratelimit import RateLimited
from ..tenancy_api import WorkspaceAPIView
from ..workspace_settings import workspace_update
from .serializers import (
    LoginSerializer,
    LogoutSerializer,
    MeSerializer,
    PasswordResetConfirmSerializer,
    PasswordResetSentSerializer,
    PasswordResetSerializer,
    SignupSerializer,
    TokenPairSerializer,
    WorkspaceSerializer,
)


def _tokens(user, request):
    return tokens.issue(user, request=request)


class SignupView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(request=SignupSerializer, responses={201: TokenPairSerializer})
    def post(self, request):
        data = SignupSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # The workspace speaks the caller's language (Accept-Language), as a signup on the page does.
        user = services.user_signup(**data.validated_data, language=get_language())
        return Response(_tokens(user, request), status=status.HTTP_201_CREATED)


class LoginView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(request=LoginSerializer, responses={200: TokenPairSerializer, 400: ErrorSerializer,
                                                       401: ErrorSerializer, 403: ErrorSerializer,
                                                       429: ErrorSerializer})
    def post(self, request):
        """Email and password; for an account with two-factor sign-in also `code` (`two_factor_required` without
        it, `two_factor_invalid` when wrong)."""
        data = LoginSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            user = services.user_login_api(request=request, **data.validated_data)
        except RateLimited as exc:
            return Response({"error": exc.code, "message": exc.message, "fields": {}},
                            status=429, headers={"Retry-After": str(exc.retry_after)})
        sensitive_action.send(__name__, action="auth.login", actor=user, request=request, target=user.email, via="api")
        return Response(_tokens(user, request))


class RefreshView(TokenRefreshView):
    """Trade a refresh token for a new access token and a new refresh token; the one sent stops working."""

    serializer_class = tokens.RotatingRefreshSerializer

    @extend_schema(responses={200: TokenPairSerializer})
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


class LogoutView(APIView):
    """End this client's refresh token. Needs no access token: the refresh token is the credential."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(request=LogoutSerializer, responses={204: None, 400: ErrorSerializer})
    def post(self, request):
        data = LogoutSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tokens.blacklist_refresh(data.validated_data["refresh"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutEverywhereView(APIView):
    """End every access and refresh token and every session of the caller, this one included."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        services.logout_everywhere(request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordResetView(APIView):
    """Send a reset link to the address if it has an account. The answer is the same either way."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(request=PasswordResetSerializer, responses={202: PasswordResetSentSerializer, 400: ErrorSerializer,
                                                               429: ErrorSerializer})
    def post(self, request):
        data = PasswordResetSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            password_reset.password_reset_request(email=data.validated_data["email"], ip=services.client_ip(request))
        except RateLimited as exc:
            return Response({"error": exc.code, "message": exc.message, "fields": {}},
                            status=429, headers={"Retry-After": str(exc.retry_after)})
        return Response({"message": _("If an account uses that address, we sent it a link to choose a new password. "
                                      "The link works once, for %(minutes)s minutes.")
                         % {"minutes": settings.PASSWORD_RESET_TIMEOUT // 60}}, status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmView(APIView):
    """Set a new password with the link's uid and token. Every session and API token of the account ends; log
    in again with the new password."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(request=PasswordResetConfirmSerializer, responses={204: None, 400: ErrorSerializer})
    def post(self, request):
        data = PasswordResetConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        password_reset.password_reset_confirm(uidb64=data.validated_data["uid"], token=data.validated_data["token"],
                                              new_password=data.validated_data["new_password"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(WorkspaceAPIView):
    permission_read = "dashboard:view"

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user, context={"request": request}).data)


class WorkspaceView(WorkspaceAPIView):
    """The caller's workspace: every member reads it, owners change it (as on the settings page)."""

    permission_read = "dashboard:view"
    permission_write = "settings:manage"

    @extend_schema(responses={200: WorkspaceSerializer, **ERRORS})
    def get(self, request):
        return Response(WorkspaceSerializer(request.workspace).data)

    @extend_schema(request=WorkspaceSerializer, responses={200: WorkspaceSerializer, **ERRORS})
    def put(self, request):
        return self._update(request, partial=False)

    @extend_schema(request=WorkspaceSerializer, responses={200: WorkspaceSerializer, **ERRORS})
    def patch(self, request):
        return self._update(request, partial=True)

    def _update(self, request, partial):
        data = WorkspaceSerializer(request.workspace, data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        workspace = workspace_update(workspace=request.workspace, **data.validated_data)
        return Response(WorkspaceSerializer(workspace).data)
