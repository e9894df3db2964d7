"""Auth API: signup, login (JWT pair), refresh, me."""
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.views import TokenRefreshView

from .. import services
from ..ratelimit import RateLimited
from ..tenancy import WorkspaceAPIView
from .serializers import LoginSerializer, MeSerializer, SignupSerializer, TokenPairSerializer


def _tokens(user):
    refresh = RefreshToken.for_user(user)
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


class SignupView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(request=SignupSerializer, responses={201: TokenPairSerializer})
    def post(self, request):
        data = SignupSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_signup(**data.validated_data)
        return Response(_tokens(user), status=status.HTTP_201_CREATED)


class LoginView(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(request=LoginSerializer, responses={200: TokenPairSerializer})
    def post(self, request):
        data = LoginSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            user = services.user_login_check(request=request, **data.validated_data)
        except RateLimited as exc:
            return Response({"error": exc.code, "message": exc.message, "fields": {}},
                            status=429, headers={"Retry-After": str(exc.retry_after)})
        return Response(_tokens(user))


class RefreshView(TokenRefreshView):
    pass


class MeView(WorkspaceAPIView):
    permission_read = "dashboard:view"

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user, context={"request": request}).data)
