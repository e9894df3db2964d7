"""Confirming the account's e-mail address (issue 19): the link sent at sign-up, the banner and its Resend, the
operator's requirement before broadcasts, and changing the address, confirmed only from the new mailbox."""
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail, signing
from django.test import Client
from django.utils import timezone

from accounts import email_address
from accounts.models import User
from campaigns import services as campaign_services
from campaigns.models import Campaign
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
VERIFY = re.compile(r"http://[^/]+(/account/email/verify/[^/\s]+/)")
CHANGE = re.compile(r"http://[^/]+(/account/email/confirm/[^/\s]+/)")
BANNER = 'data-testid="verify-banner"'


def signup(client, django_capture_on_commit_callbacks, email="dewi@example.com"):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/signup/", {"full_name": "Dewi", "workspace_name": "Toko Dewi", "email": email,
                                            "password": PASSWORD})
    assert response.status_code == 302, response.content
    return User.objects.get(email=email)


def verified(user):
    user.refresh_from_db()
    return user.email_verified_at is not None


def test_signup_sends_a_link_that_confirms_the_address(client, django_capture_on_commit_callbacks):
    user = signup(client, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox] == [["dewi@example.com"]]
    assert not verified(user)
    assert BANNER in client.get("/").content.decode()
    response = client.get(VERIFY.search(mail.outbox[0].body).group(1), follow=True)
    assert "your e-mail address is confirmed" in response.content.decode()
    assert verified(user)
    assert BANNER not in client.get("/").content.decode()
    # Opening it again changes nothing and is no error.
    first = User.objects.get(pk=user.pk).email_verified_at
    client.get(VERIFY.search(mail.outbox[0].body).group(1))
    assert User.objects.get(pk=user.pk).email_verified_at == first


def test_the_api_signup_sends_the_link_too(api_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert api_client.post("/api/auth/signup", {"email": "eko@example.com", "password": PASSWORD},
                               format="json").status_code == 201
    assert VERIFY.search(mail.outbox[0].body)


def test_the_link_works_without_being_logged_in(client, django_capture_on_commit_callbacks):
    user = signup(client, django_capture_on_commit_callbacks)
    response = Client().get(VERIFY.search(mail.outbox[0].body).group(1))
    assert response["Location"] == "/login/"
    assert verified(user)


def test_the_banner_is_on_every_page_until_verified(owner_client, owner):
    for url in ("/", "/contacts/", "/account/password/"):
        assert BANNER in owner_client.get(url).content.decode(), url
    User.objects.filter(pk=owner.pk).update(email_verified_at=timezone.now())
    for url in ("/", "/contacts/", "/account/password/"):
        assert BANNER not in owner_client.get(url).content.decode(), url


def test_resend_sends_a_new_link_a_few_times_an_hour(owner_client, owner, settings):
    settings.PASSWORD_RESET_RATE_LIMIT_PER_EMAIL = 2
    for _n in range(2):
        response = owner_client.post("/account/email/verify-resend/", {"next": "/contacts/"}, follow=True)
        assert response.redirect_chain[-1][0] == "/contacts/"
        assert "We sent a new link" in response.content.decode()
    limited = owner_client.post("/account/email/verify-resend/", follow=True)
    assert "several links this hour" in limited.content.decode()
    assert len(mail.outbox) == 2
    owner_client.get(VERIFY.search(mail.outbox[1].body).group(1))
    assert verified(owner)


def test_resend_does_not_follow_a_redirect_off_the_site(owner_client):
    response = owner_client.post("/account/email/verify-resend/", {"next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_a_tampered_or_expired_link_is_refused(owner, outsider):
    token = signing.dumps({"u": owner.pk, "e": owner.email}, salt=email_address.VERIFY_SALT)
    payload, rest = token.split(":", 1)
    forged = signing.dumps({"u": outsider.pk, "e": outsider.email}, salt="another-salt")
    for bad in (payload[:-2] + "xx:" + rest, forged, "nonsense"):
        response = Client().get(f"/account/email/verify/{bad}/", follow=True)
        assert "This link is not valid" in response.content.decode()
    assert not verified(owner) and not verified(outsider)
    with time_machine.travel(timezone.now() + timedelta(seconds=email_address.VERIFY_MAX_AGE + 5)):
        response = Client().get(f"/account/email/verify/{token}/", follow=True)
    assert "This link has expired" in response.content.decode()
    assert not verified(owner)


def test_a_link_for_an_address_the_account_no_longer_has_does_nothing(owner):
    token = signing.dumps({"u": owner.pk, "e": "old@example.com"}, salt=email_address.VERIFY_SALT)
    Client().get(f"/account/email/verify/{token}/")
    assert not verified(owner)


# ---------------------------------------------------------------- the operator's requirement

START = {"message": "Hi [name]", "tags": ["VIP"]}


def test_the_requirement_is_off_by_default(owner_api):
    # It gets past the check to the next one: no number to send from.
    assert owner_api.post("/api/campaign/start", START, format="json").json()["error"] == "no_devices"


def test_the_requirement_blocks_starting_broadcasts_and_says_what_to_do(owner_api, owner, settings):
    settings.SEBAR_REQUIRE_EMAIL_VERIFICATION = True
    response = owner_api.post("/api/campaign/start", START, format="json")
    assert response.status_code == 403
    body = response.json()
    assert body["error"] == "email_unverified"
    assert owner.email in body["message"] and "Resend" in body["message"]
    assert not Campaign.objects.exists()
    User.objects.filter(pk=owner.pk).update(email_verified_at=timezone.now())
    assert owner_api.post("/api/campaign/start", START, format="json").json()["error"] == "no_devices"


def test_the_requirement_blocks_a_drafts_start_on_the_page(owner_client, owner, workspace, settings):
    settings.SEBAR_REQUIRE_EMAIL_VERIFICATION = True
    draft = campaign_services.campaign_create(workspace=workspace, actor=owner, name="Promo", message="Hi",
                                              tags=["VIP"], draft=True)
    response = owner_client.post(f"/campaigns/{draft.pk}/start/", follow=True)
    assert "Confirm your e-mail address before sending broadcasts" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Campaign.Status.DRAFT


def test_an_agents_verified_address_does_not_count_for_the_owner(workspace, owner, agent, settings):
    settings.SEBAR_REQUIRE_EMAIL_VERIFICATION = True
    User.objects.filter(pk=agent.pk).update(email_verified_at=timezone.now())
    with pytest.raises(email_address.EmailUnverified):
        email_address.broadcast_check(workspace)


def test_another_workspaces_verified_owner_does_not_count(workspace, owner, outsider, settings):
    settings.SEBAR_REQUIRE_EMAIL_VERIFICATION = True
    User.objects.filter(pk=outsider.pk).update(email_verified_at=timezone.now())
    with pytest.raises(email_address.EmailUnverified):
        email_address.broadcast_check(workspace)


# ---------------------------------------------------------------- changing the address


def ask_change(client, new_email, password=PASSWORD):
    return client.post("/account/email/", {"new_email": new_email, "password": password}, follow=True)


def test_the_address_changes_only_when_the_new_address_confirms(owner_client, owner):
    response = ask_change(owner_client, "Alice.New@Example.com")
    assert "We sent a link to alice.new@example.com" in response.content.decode()
    to_new, to_old = mail.outbox
    assert to_new.to == ["alice.new@example.com"] and CHANGE.search(to_new.body)
    assert to_old.to == ["alice@example.com"] and "alice.new@example.com" in to_old.body
    assert not CHANGE.search(to_old.body)  # the old mailbox cannot confirm it
    owner.refresh_from_db()
    assert owner.email == "alice@example.com"
    Client().get(CHANGE.search(to_new.body).group(1))
    owner.refresh_from_db()
    assert owner.email == "alice.new@example.com" and owner.email_verified_at
    # The link works once.
    again = Client().get(CHANGE.search(to_new.body).group(1), follow=True)
    assert "already used" in again.content.decode()


def test_a_change_needs_the_current_password(owner_client, owner):
    response = ask_change(owner_client, "alice.new@example.com", password="wrong")
    assert response.status_code == 400
    assert "current password is wrong" in response.content.decode()
    assert mail.outbox == []


def test_a_taken_address_is_refused_when_asked_and_when_confirmed(owner_client, owner, outsider):
    assert "already belongs to another Sebar account" in ask_change(owner_client, outsider.email).content.decode()
    assert mail.outbox == []
    ask_change(owner_client, "free@example.com")
    User.objects.filter(pk=outsider.pk).update(email="free@example.com")  # taken meanwhile
    response = Client().get(CHANGE.search(mail.outbox[0].body).group(1), follow=True)
    assert "already belongs to another Sebar account" in response.content.decode()
    owner.refresh_from_db()
    assert owner.email == "alice@example.com"


def test_a_tampered_or_expired_change_link_is_refused(owner_client, owner, outsider):
    ask_change(owner_client, "alice.new@example.com")
    path = CHANGE.search(mail.outbox[0].body).group(1)
    # Someone else's account in an otherwise valid-looking token: the signature does not match.
    token = path.split("/")[-2]
    payload, rest = token.split(":", 1)
    forged = signing.dumps({"u": outsider.pk, "old": outsider.email, "new": "x@example.com"}, salt="guess")
    for bad in (payload[:-2] + "xx:" + rest, forged):
        assert "This link is not valid" in Client().get(f"/account/email/confirm/{bad}/",
                                                        follow=True).content.decode()
    with time_machine.travel(timezone.now() + timedelta(seconds=email_address.CHANGE_MAX_AGE + 5)):
        assert "This link has expired" in Client().get(path, follow=True).content.decode()
    owner.refresh_from_db()
    outsider.refresh_from_db()
    assert (owner.email, outsider.email) == ("alice@example.com", "charlie@example.com")


def test_an_agent_changes_their_own_address(agent_client, agent):
    ask_change(agent_client, "bob.new@example.com")
    Client().get(CHANGE.search(mail.outbox[0].body).group(1))
    agent.refresh_from_db()
    assert agent.email == "bob.new@example.com"


def test_the_change_page_needs_login(client):
    assert client.get("/account/email/")["Location"].startswith("/login/")
