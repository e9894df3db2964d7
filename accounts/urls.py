"""Account pages."""
from django.urls import path

from . import team_views, views

app_name = "accounts"
urlpatterns = [
    # One address for both: a visitor gets the public home, a member the dashboard.
    path("", views.home, name="dashboard"),
    path("first-steps/dismiss/", views.first_steps_dismiss, name="first-steps-dismiss"),
    path("signup/", views.signup, name="signup"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("account/password/", views.password_change, name="password_change"),
    path("account/logout-everywhere/", views.logout_everywhere, name="logout_everywhere"),
    path("settings/", views.workspace_settings, name="settings"),
    path("team/", team_views.team_page, name="team"),
    path("team/invite/", team_views.invite, name="team-invite"),
    path("team/invitations/<int:pk>/revoke/", team_views.invitation_revoke, name="team-invitation-revoke"),
    path("team/members/<int:pk>/remove/", team_views.member_remove, name="team-member-remove"),
    path("invite/<str:token>/", team_views.invitation_accept, name="invitation-accept"),
]
