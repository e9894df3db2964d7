"""Auth and team API routes, mounted under /api/."""
from django.urls import path
from rest_framework.routers import SimpleRouter

from .. import team_api
from . import views

router = SimpleRouter(trailing_slash=False)
router.register("team/members", team_api.MemberViewSet, basename="team-member")
router.register("team/invitations", team_api.InvitationViewSet, basename="team-invitation")

urlpatterns = [
    path("auth/signup", views.SignupView.as_view(), name="auth-signup"),
    path("auth/login", views.LoginView.as_view(), name="auth-login"),
    path("auth/refresh", views.RefreshView.as_view(), name="auth-refresh"),
    path("auth/logout", views.LogoutView.as_view(), name="auth-logout"),
    path("auth/logout-everywhere", views.LogoutEverywhereView.as_view(), name="auth-logout-everywhere"),
    path("auth/password-reset", views.PasswordResetView.as_view(), name="auth-password-reset"),
    path("auth/password-reset/confirm", views.PasswordResetConfirmView.as_view(), name="auth-password-reset-confirm"),
    path("me", views.MeView.as_view(), name="me"),
    path("workspace", views.WorkspaceView.as_view(), name="workspace"),
    *router.urls,
]
