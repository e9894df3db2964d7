"""API tokens can be taken back (issue 12 #6): rotation with a blacklist, and a per-user token version that a
password change, "log out everywhere" and removal from the workspace bump, ending every access and refresh
token (and every session) at once."""
import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import Membership, User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
# A page only a signed-in member sees (/ is the public home for a visitor): 200 with a session, 302 without.
SIGNED_IN_PAGE = "/account/password/"


def login(email, password=PASSWORD):
    response = APIClient().post("/api/auth/login", {"email": email, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def me(access):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client.get("/api/me")


def refresh(token):
    return APIClient().post("/api/auth/refresh", {"refresh": token}, format="json")


def assert_dead(pair):
    assert me(pair["access"]).status_code == 401
    response = refresh(pair["refresh"])
    assert response.status_code == 401, response.content


def test_refresh_rotates_and_a_used_refresh_token_is_refused(owner):
    pair = login(owner.email)
    first = refresh(pair["refresh"])
    assert first.status_code == 200
    assert set(first.json()) == {"access", "refresh"} and first.json()["refresh"] != pair["refresh"]
    again = refresh(pair["refresh"])
    assert again.status_code == 401
    assert again.json()["error"] == "token_not_valid"
    # the new one works, once
    assert me(first.json()["access"]).status_code == 200
    assert refresh(first.json()["refresh"]).status_code == 200


def test_password_change_on_the_page_ends_every_token_but_keeps_this_session(owner, owner_client):
    pair = login(owner.email)
    other_session = Client()
    other_session.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")
    response = owner_client.post("/account/password/", {
        "old_password": PASSWORD, "new_password1": "teh-manis-2027", "new_password2": "teh-manis-2027"})
    assert response.status_code == 302
    assert_dead(pair)
    assert owner_client.get(SIGNED_IN_PAGE).status_code == 200
    assert other_session.get(SIGNED_IN_PAGE).status_code == 302  # to the login page
    fresh = login(owner.email, "teh-manis-2027")
    assert me(fresh["access"]).status_code == 200


def test_a_password_set_anywhere_else_ends_the_tokens(owner):
    """The admin and the shell call set_password(); that is enough."""
    pair = login(owner.email)
    user = User.objects.get(pk=owner.pk)
    user.set_password("teh-manis-2027")
    user.save()
    assert_dead(pair)


def test_a_hash_upgrade_at_login_is_not_a_password_change(owner, settings):
    pair = login(owner.email)
    # PBKDF2 listed second: logging in rehashes the stored password to the first hasher (bcrypt)
    user = User.objects.get(pk=owner.pk)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher",
                                 "django.contrib.auth.hashers.BCryptSHA256PasswordHasher"]
    login(owner.email)
    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_")
    assert me(pair["access"]).status_code == 200


def test_logout_everywhere_api_ends_every_token_and_session(owner, owner_client):
    one, two = login(owner.email), login(owner.email)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {one['access']}")
    assert client.post("/api/auth/logout-everywhere").status_code == 204
    assert_dead(one)
    assert_dead(two)
    assert owner_client.get(SIGNED_IN_PAGE).status_code == 302
    assert me(login(owner.email)["access"]).status_code == 200


def test_logout_everywhere_button_on_the_account_page(owner, owner_client):
    pair = login(owner.email)
    page = owner_client.get("/account/password/")
    assert b'data-testid="logout-everywhere"' in page.content
    response = owner_client.post("/account/logout-everywhere/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert_dead(pair)
    assert owner_client.get(SIGNED_IN_PAGE).status_code == 302


def test_removing_a_member_ends_their_tokens_at_once(owner_client, agent, owner_api):
    pair = login(agent.email)
    membership = Membership.objects.get(user=agent)
    assert owner_api.delete(f"/api/team/members/{membership.pk}").status_code == 204
    assert_dead(pair)


def test_removing_a_member_on_the_team_page_ends_their_session_too(owner_client, agent, agent_client):
    pair = login(agent.email)
    membership = Membership.objects.get(user=agent)
    assert owner_client.post(f"/team/members/{membership.pk}/remove/").status_code == 302
    assert_dead(pair)
    assert agent_client.get(SIGNED_IN_PAGE).status_code == 302


def test_logout_blacklists_the_refresh_token_it_is_given(owner):
    pair = login(owner.email)
    response = APIClient().post("/api/auth/logout", {"refresh": pair["refresh"]}, format="json")
    assert response.status_code == 204
    assert refresh(pair["refresh"]).status_code == 401
    twice = APIClient().post("/api/auth/logout", {"refresh": pair["refresh"]}, format="json")
    assert twice.status_code == 400 and "not valid" in twice.json()["message"]


def test_revocation_is_per_user(owner, agent):
    owner_pair, agent_pair = login(owner.email), login(agent.email)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {owner_pair['access']}")
    client.post("/api/auth/logout-everywhere")
    assert me(agent_pair["access"]).status_code == 200
    assert refresh(agent_pair["refresh"]).status_code == 200


def test_refresh_of_a_deleted_user_is_401_not_500(owner):
    pair = login(owner.email)
    User.objects.filter(pk=owner.pk).delete()
    assert refresh(pair["refresh"]).status_code == 401


def test_expired_refresh_records_are_flushed_on_a_schedule(owner):
    from datetime import timedelta

    from django.utils import timezone
    from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

    from accounts.tasks import tokens_flush_task
    from config.celery import collect_beat_schedule

    login(owner.email)
    login(owner.email)
    OutstandingToken.objects.filter(pk=OutstandingToken.objects.first().pk).update(
        expires_at=timezone.now() - timedelta(seconds=1))
    tokens_flush_task.delay()
    assert OutstandingToken.objects.count() == 1
    assert collect_beat_schedule()["accounts-tokens-flush"]["task"] == "accounts.tasks.tokens_flush_task"
