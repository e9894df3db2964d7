"""Account pages."""
from django.urls import path

from . import email_views, session_views, team_views, two_factor_views, views

app_name = "accounts"
urlpatterns = [
    # One address for both: a visitor gets the public home, a member the dashboard.
    path("", views.home, name="dashboard"),
    path("first-steps/dismiss/", views.first_steps_dismiss, name="first-steps-dismiss"),
    path("signup/", views.signup, name="signup"),
    path("login/", views.login_view, name="login"),
    path("login/code/", two_factor_views.login_code, name="login_code"),
    path("logout/", views.logout_view, name="logout"),
    path("password-reset/", email_views.password_reset_request, name="password_reset"),
    path("password-reset/sent/", email_views.password_reset_done, name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", email_views.PasswordResetConfirm.as_view(),
         name="password_reset_confirm"),
    path("account/email/", email_views.email_change, name="email_change"),
    path("account/email/confirm/<str:token>/", email_views.email_change_confirm, name="email_change_confirm"),
    path("account/email/verify/<str:token>/", email_views.email_verify, name="email_verify"),
    path("account/email/verify-resend/", email_views.email_verify_resend, name="email_verify_resend"),
    path("account/password/", views.password_change, name="password_change"),
    path("account/logout-everywhere/", views.logout_everywhere, name="logout_everywhere"),
    path("account/two-factor/", two_factor_views.two_factor_page, name="two_factor"),
    path("account/two-factor/setup/", two_factor_views.two_factor_setup, name="two_factor_setup"),
    path("account/two-factor/recovery-codes/", two_factor_views.two_factor_codes, name="two_factor_codes"),
    path("account/two-factor/off/", two_factor_views.two_factor_disable, name="two_factor_disable"),
    path("account/two-factor/new-codes/", two_factor_views.two_factor_regenerate, name="two_factor_regenerate"),
    path("account/sessions/", session_views.sessions_page, name="sessions"),
    path("account/sessions/web/<uuid:public_id>/end/", session_views.web_session_revoke, name="web_session_revoke"),
    path("account/sessions/api/<uuid:public_id>/end/", session_views.api_session_revoke, name="api_session_revoke"),
    path("settings/", views.workspace_settings, name="settings"),
    path("team/", team_views.team_page, name="team"),
    path("team/invite/", team_views.invite, name="team-invite"),
    path("team/invitations/<int:pk>/revoke/", team_views.invitation_revoke, name="team-invitation-revoke"),
    path("team/members/<int:pk>/remove/", team_views.member_remove, name="team-member-remove"),
    path("invite/<str:token>/", team_views.invitation_accept, name="invitation-accept"),
]
