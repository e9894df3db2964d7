"""Accounts objects of workspace A for the URL walks: an agent membership and a pending invitation.

PUBLIC also names the routes that have no role check by design, so the agent walk
(tests/test_agent_permissions.py) knows they are meant to be reachable by anyone.
"""
from accounts.invitations import Invitation
from accounts.models import ApiSession, Membership, WebSession
from tests.factories import MembershipFactory, UserFactory
from tests.url_walk import MARKER

PUBLIC = {
    "accounts:dashboard": "/ is the public home page for visitors; a member gets the dashboard (dashboard:view)",
    "accounts:signup": "sign-up page",
    "accounts:login": "login page",
    "accounts:login_code": "the sign-in's second step: the password checked in this browser's session is the key",
    "accounts:logout": "logging out needs no role",
    "accounts:invitation-accept": "the emailed link; the token is the secret and a wrong user gets an error",
    "accounts:password_reset": "forgotten password: asking for a link",
    "accounts:password_reset_done": "forgotten password: the page after asking",
    "accounts:password_reset_confirm": "the emailed reset link; its token is the secret",
    "accounts:email_verify": "the emailed confirmation link; its signed token is the secret",
    "accounts:email_change_confirm": "the link sent to a new address; its signed token is the secret",
    "api:auth-password-reset": "API: asking for a reset link",
    "api:auth-password-reset-confirm": "API: setting a new password with a reset link's uid and token",
    "api:auth-signup": "API sign-up",
    "api:auth-login": "API login",
    "api:auth-refresh": "API token refresh",
    "api:auth-logout": "API logout: the refresh token sent is the credential",
    "accounts:logout_everywhere": "ending one's own sessions and tokens needs no role",
    "api:auth-logout-everywhere": "ending one's own sessions and tokens needs no role",
    "api:schema": "OpenAPI schema for any signed-in user",
    "api:docs": "API docs for any signed-in user",
    "healthz": "health probe for the orchestrator",
    "set_language": "language switch",
}


def build(workspace, owner):
    agent = MembershipFactory(workspace=workspace, role=Membership.Role.AGENT,
                              user=UserFactory(email="world-agent@example.com", full_name=f"{MARKER} Agent"))
    invitation = Invitation.objects.create(workspace=workspace, email="world-invitee@example.com", invited_by=owner)
    # The owner's own sessions: for anyone else, ending them is a 404 (they are the owner's, not the workspace's).
    web = WebSession.objects.create(user=owner, session_key="world-session", user_agent=f"{MARKER} browser")
    api = ApiSession.objects.create(user=owner, jti="world-jti", user_agent=f"{MARKER} client",
                                    expires_at=invitation.expires_at)
    return {
        "accounts:web_session_revoke": {"public_id": web.public_id},
        "accounts:api_session_revoke": {"public_id": api.public_id},
        "accounts:team-member-remove": {"pk": agent.pk},
        "api:team-member-detail": {"pk": agent.pk},
        "accounts:team-invitation-revoke": {"pk": invitation.pk},
        "api:team-invitation-detail": {"pk": invitation.pk},
        "accounts:invitation-accept": {"token": invitation.token},
        "accounts:password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
        "accounts:email_verify": {"token": "not-a-signed-token"},
        "accounts:email_change_confirm": {"token": "not-a-signed-token"},
    }
