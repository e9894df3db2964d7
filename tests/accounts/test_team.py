"""Team: inviting agents by email, accepting (sign up or log in), plan limits, revoking, removing; pages and API."""
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from accounts import team
from accounts.invitations import Invitation
from accounts.models import Membership, User
from accounts.selectors import agent_count
from billing import services
from billing.errors import LimitReached
from billing.models import Package
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def pro(workspace, owner):
    line = services.subscription_choose(workspace=workspace, actor=owner,
                                        package_id=Package.objects.get(code="pro").pk, months=1)
    services.subscription_mark_paid(subscription_id=line.pk)


def link_in(message):
    return re.search(r"http://\S+/invite/(\S+)/", message.body)


def test_owner_invites_and_a_new_person_signs_up(owner_client, workspace, client, settings,
                                                  django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://sebar.example.com"
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post("/team/invite/", {"email": "Siti@Example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["siti@example.com"]
    invitation = Invitation.objects.get()
    assert f"https://sebar.example.com/invite/{invitation.token}/" in mail.outbox[0].body
    assert "Alpha Store" in mail.outbox[0].subject
    team_page = owner_client.get("/team/").content.decode()
    assert "siti@example.com" in team_page
    # The link is on the page too, copyable: the owner can pass it on when the email does not arrive.
    assert f'value="https://sebar.example.com/invite/{invitation.token}/"' in team_page
    assert f'data-copy="https://sebar.example.com/invite/{invitation.token}/"' in team_page
    page = client.get(invitation.path)
    assert page.status_code == 200 and "Join Alpha Store" in page.content.decode()
    response = client.post(invitation.path, {"full_name": "Siti", "password": "es-teh-manis-42"})
    assert response.status_code == 302 and response["Location"] == "/"
    membership = Membership.objects.get(user__email="siti@example.com")
    assert membership.workspace == workspace and membership.role == Membership.Role.AGENT
    invitation.refresh_from_db()
    assert invitation.accepted_at and invitation.accepted_by == membership.user
    assert "Hello, Siti" in client.get("/").content.decode()  # logged in as the new agent
    assert client.post(invitation.path, {"full_name": "X", "password": "es-teh-manis-42"}).status_code == 410


def test_existing_user_without_workspace_logs_in_and_accepts(workspace, owner, client):
    UserFactory(email="lone@example.com")
    invitation = team.invitation_create(workspace=workspace, actor=owner, email="lone@example.com")
    response = client.post(invitation.path, {"full_name": "Lone", "password": "es-teh-manis-42"})
    assert "already exists. Log in" in response.content.decode()
    client.post("/login/", {"email": "lone@example.com", "password": PASSWORD})
    assert 'data-testid="accept"' in client.get(invitation.path).content.decode()
    assert client.post(invitation.path).status_code == 302
    assert Membership.objects.get(user__email="lone@example.com").workspace == workspace


def test_inviting_a_member_of_another_workspace_reveals_nothing_to_the_inviter(workspace, owner, outsider,
                                                                               outsider_client, mailoutbox,
                                                                               django_capture_on_commit_callbacks):
    # The inviter learns nothing about another tenant's members: the invitation goes out like any other ...
    with django_capture_on_commit_callbacks(execute=True):
        invitation = team.invitation_create(workspace=workspace, actor=owner, email=outsider.email.upper())
    assert invitation.email == outsider.email and len(mailoutbox) == 1
    # ... and only the invitee, opening it, is told why it cannot be accepted.
    response = outsider_client.post(invitation.path)
    assert response.status_code == 409
    assert "You already belong to Bravo Store" in response.content.decode()
    assert outsider.membership.workspace.name == "Bravo Store"


def test_logged_in_as_someone_else(workspace, owner, outsider_client, outsider):
    outsider.membership.delete()
    invitation = team.invitation_create(workspace=workspace, actor=owner, email="dina@example.com")
    response = outsider_client.post(invitation.path)
    assert response.status_code == 403 and "This invitation is for dina@example.com" in response.content.decode()


def test_free_plan_allows_one_agent_and_a_pending_invite_holds_it(workspace, owner):
    first = team.invitation_create(workspace=workspace, actor=owner, email="a1@example.com")
    assert agent_count(workspace) == 1
    with pytest.raises(LimitReached) as info:
        team.invitation_create(workspace=workspace, actor=owner, email="a2@example.com")
    assert info.value.message == "Your Free plan allows 1 agent and you have 1. Remove one or upgrade to Starter."
    again = team.invitation_create(workspace=workspace, actor=owner, email="a1@example.com")  # resend
    assert again.pk == first.pk and again.token != first.token and agent_count(workspace) == 1
    team.invitation_revoke(workspace=workspace, invitation_id=first.pk)
    assert agent_count(workspace) == 0
    team.invitation_create(workspace=workspace, actor=owner, email="a2@example.com")


def test_pro_allows_five_agents(workspace, owner):
    pro(workspace, owner)
    for i in range(5):
        team.invitation_create(workspace=workspace, actor=owner, email=f"agent{i}@example.com")
    with pytest.raises(LimitReached, match="Pro plan allows 5 agents and you have 5"):
        team.invitation_create(workspace=workspace, actor=owner, email="agent6@example.com")


def test_accepting_after_the_plan_shrank_is_refused(workspace, owner):
    pro(workspace, owner)
    invitations = [team.invitation_create(workspace=workspace, actor=owner, email=f"p{i}@example.com")
                   for i in range(2)]
    services.subscription_choose(workspace=workspace, actor=owner, package_id=Package.objects.get(code="free").pk)
    with pytest.raises(LimitReached):
        team.invitation_signup_accept(token=invitations[0].token, full_name="P", password="es-teh-manis-42")
    assert not User.objects.filter(email="p0@example.com").exists()  # all or nothing


def test_expired_and_unknown_links(workspace, owner, client):
    invitation = team.invitation_create(workspace=workspace, actor=owner, email="late@example.com")
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        response = client.get(invitation.path)
        assert response.status_code == 410 and "expired" in response.content.decode()
        assert agent_count(workspace) == 0  # an expired invitation frees its seat
    assert client.get("/invite/not-a-real-token/").status_code == 404


def test_remove_agent_but_never_the_owner(owner_client, workspace, owner, agent):
    agent_membership = agent.membership
    response = owner_client.post(f"/team/members/{agent_membership.pk}/remove/")
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=agent_membership.pk).exists()
    assert User.objects.filter(pk=agent.pk).exists()  # the person's account stays
    owner_client.post(f"/team/members/{owner.membership.pk}/remove/")
    assert Membership.objects.filter(user=owner).exists()


def test_team_page_lists_members_invitations_and_matrix(owner_client, workspace, owner, agent):
    Invitation.objects.create(workspace=workspace, email="pending@example.com", invited_by=owner)
    html = owner_client.get("/team/").content.decode()
    assert "bob@example.com" in html and "pending@example.com" in html
    assert 'data-testid="permission-matrix"' in html and "billing:manage" in html
    assert "2 of 1 agent seats used" in html


def test_invite_form_errors_stay_on_the_page(owner_client, agent):
    response = owner_client.post("/team/invite/", {"email": "bob@example.com"})
    assert response.status_code == 400 and "already on your team" in response.content.decode()
    response = owner_client.post("/team/invite/", {"email": "new@example.com"})
    assert response.status_code == 400 and "Your Free plan allows 1 agent" in response.content.decode()


def test_agents_cannot_manage_the_team(agent_client, agent_api, workspace, owner):
    invitation = Invitation.objects.create(workspace=workspace, email="x@example.com", invited_by=owner)
    assert agent_client.get("/team/").status_code == 403
    assert agent_client.post("/team/invite/", {"email": "y@example.com"}).status_code == 403
    assert agent_client.post(f"/team/invitations/{invitation.pk}/revoke/").status_code == 403
    assert agent_api.get("/api/team/members").status_code == 403
    assert agent_api.post("/api/team/invitations", {"email": "y@example.com"}).status_code == 403
    assert Invitation.objects.count() == 1


def test_team_api(owner_api, workspace, owner, agent, outsider_api):
    members = owner_api.get("/api/team/members").json()["results"]
    assert [m["email"] for m in members] == ["alice@example.com", "bob@example.com"]
    response = owner_api.post("/api/team/invitations", {"email": "new@example.com"}, format="json")
    assert response.status_code == 403 and response.json()["error"] == "plan_limit_reached"
    assert owner_api.delete(f"/api/team/members/{agent.membership.pk}").status_code == 204
    response = owner_api.post("/api/team/invitations", {"email": "new@example.com"}, format="json")
    assert response.status_code == 201 and response.json()["status"] == "pending"
    pk = response.json()["id"]
    assert [i["email"] for i in owner_api.get("/api/team/invitations").json()["results"]] == ["new@example.com"]
    assert outsider_api.delete(f"/api/team/invitations/{pk}").status_code == 404
    assert owner_api.delete(f"/api/team/invitations/{pk}").status_code == 204
    assert owner_api.get(f"/api/team/invitations/{pk}").json()["status"] == "withdrawn"
    response = owner_api.delete(f"/api/team/members/{owner.membership.pk}")
    assert response.status_code == 400 and response.json()["error"] == "owner_not_removable"
    response = owner_api.post("/api/team/invitations", {"email": "not-an-email"}, format="json")
    assert response.status_code == 400 and "email" in response.json()["fields"]
