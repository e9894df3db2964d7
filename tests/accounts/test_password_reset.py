"""Password reset by e-mail (issue 19): the same answer for every address, mail only for a real account, a link
that works once and expires, rate limits, and every session and API token ended by the new password."""
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.test import APIClient

from accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-brand-new-secret-42"
LINK = re.compile(r"http://[^/]+(/password-reset/[^/\s]+/[^/\s]+/)")


def ask(client, email):
    return client.post("/password-reset/", {"email": email})


def without_csrf(response):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def link_in(message):
    return LINK.search(message.body).group(1)


def set_password(client, path, password=NEW_PASSWORD):
    """Open the link as a browser does (Django moves the token into the session), then post the new password."""
    page = client.get(path, follow=True)
    return page, client.post(page.redirect_chain[-1][0] if page.redirect_chain else path,
                             {"new_password1": password, "new_password2": password}, follow=True)


def test_forgot_password_is_linked_from_the_login_page(client):
    assert 'href="/password-reset/"' in client.get("/login/").content.decode()


def test_the_same_answer_for_an_address_with_and_without_an_account(owner):
    known, unknown = ask(Client(), owner.email), ask(Client(), "nobody@example.com")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"]) == (
        302, "/password-reset/sent/")
    done_known, done_unknown = Client().get(known["Location"]), Client().get(unknown["Location"])
    assert without_csrf(done_known) == without_csrf(done_unknown)
    # Only the real account got mail.
    assert [m.to for m in mail.outbox] == [[owner.email]]


def test_the_api_answers_the_same_for_every_address(owner):
    known = APIClient().post("/api/auth/password-reset", {"email": owner.email.upper()}, format="json")
    unknown = APIClient().post("/api/auth/password-reset", {"email": "nobody@example.com"}, format="json")
    assert known.status_code == unknown.status_code == 202
    assert known.content == unknown.content
    assert [m.to for m in mail.outbox] == [[owner.email]]


def test_no_mail_for_a_disabled_account(owner):
    User.objects.filter(pk=owner.pk).update(is_active=False)
    assert ask(Client(), owner.email).status_code == 302
    assert mail.outbox == []


def test_the_mail_is_in_the_users_language(owner):
    owner.language = "id"
    owner.save(update_fields=["language"])
    ask(Client(), owner.email)
    assert "kata sandi" in mail.outbox[0].subject.lower()


def test_the_link_sets_a_new_password_once(owner):
    ask(Client(), owner.email)
    path = link_in(mail.outbox[0])
    _page, done = set_password(Client(), path)
    assert done.redirect_chain[-1][0] == "/login/"
    assert "Log in with the new password" in done.content.decode()
    owner.refresh_from_db()
    assert owner.check_password(NEW_PASSWORD)
    # The same link again: refused, the password stays.
    page = Client().get(path, follow=True)
    assert 'data-testid="reset-link-invalid"' in page.content.decode()
    _page, again = set_password(Client(), path, "yet-another-secret-77")
    owner.refresh_from_db()
    assert owner.check_password(NEW_PASSWORD)


def test_the_new_password_is_checked_by_the_validators(owner):
    ask(Client(), owner.email)
    _page, done = set_password(Client(), link_in(mail.outbox[0]), "12345678")
    assert "too common" in done.content.decode() or "entirely numeric" in done.content.decode()
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)


def test_the_link_expires(owner, settings):
    settings.PASSWORD_RESET_TIMEOUT = 3600
    with time_machine.travel(timezone.now(), tick=False) as frozen:
        ask(Client(), owner.email)
        path = link_in(mail.outbox[0])
        frozen.shift(timedelta(minutes=59))
        assert 'data-testid="reset-link-invalid"' not in Client().get(path, follow=True).content.decode()
        frozen.shift(timedelta(minutes=2))
        assert 'data-testid="reset-link-invalid"' in Client().get(path, follow=True).content.decode()
        _page, _done = set_password(Client(), path)
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)


def test_a_tampered_link_is_refused(owner, outsider):
    ask(Client(), owner.email)
    path = link_in(mail.outbox[0])
    _uid, token = path.strip("/").split("/")[1:]
    # The owner's token on another user's id, and a token with one character changed.
    other = f"/password-reset/{urlsafe_base64_encode(force_bytes(outsider.pk))}/{token}/"
    changed = path[:-3] + ("a" if path[-3] != "a" else "b") + path[-2:]
    for bad in (other, changed):
        assert 'data-testid="reset-link-invalid"' in Client().get(bad, follow=True).content.decode()
    outsider.refresh_from_db()
    assert outsider.check_password(PASSWORD)


def test_a_reset_ends_every_session_and_api_token(owner):
    browser = Client()
    browser.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")
    assert browser.get("/account/password/").status_code == 200
    pair = APIClient().post("/api/auth/login", {"email": owner.email, "password": PASSWORD}, format="json").json()
    ask(Client(), owner.email)
    set_password(Client(), link_in(mail.outbox[0]))
    assert browser.get("/account/password/").status_code == 302  # logged out
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
    assert api.get("/api/me").status_code == 401
    assert APIClient().post("/api/auth/refresh", {"refresh": pair["refresh"]}, format="json").status_code == 401
    # ...and the new password logs in.
    assert APIClient().post("/api/auth/login", {"email": owner.email, "password": NEW_PASSWORD},
                            format="json").status_code == 200


def test_the_api_confirm_sets_the_password_once_and_ends_tokens(owner):
    pair = APIClient().post("/api/auth/login", {"email": owner.email, "password": PASSWORD}, format="json").json()
    APIClient().post("/api/auth/password-reset", {"email": owner.email}, format="json")
    uid, token = link_in(mail.outbox[0]).strip("/").split("/")[1:]
    body = {"uid": uid, "token": token, "new_password": NEW_PASSWORD}
    assert APIClient().post("/api/auth/password-reset/confirm", body, format="json").status_code == 204
    assert APIClient().post("/api/auth/refresh", {"refresh": pair["refresh"]}, format="json").status_code == 401
    again = APIClient().post("/api/auth/password-reset/confirm", {**body, "new_password": "other-secret-31"},
                             format="json")
    assert again.status_code == 400
    assert again.json()["error"] == "reset_link_invalid"
    owner.refresh_from_db()
    assert owner.check_password(NEW_PASSWORD)


def test_the_api_confirm_checks_the_validators(owner):
    APIClient().post("/api/auth/password-reset", {"email": owner.email}, format="json")
    uid, token = link_in(mail.outbox[0]).strip("/").split("/")[1:]
    response = APIClient().post("/api/auth/password-reset/confirm",
                                {"uid": uid, "token": token, "new_password": "12345678"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"] == "weak_password"
    assert "new_password" in response.json()["fields"]


def test_per_address_limit_stops_the_mail_but_not_the_answer(owner, settings):
    settings.PASSWORD_RESET_RATE_LIMIT_PER_EMAIL = 2
    answers = [ask(Client(REMOTE_ADDR=f"10.0.0.{n}"), owner.email) for n in range(4)]
    assert {(a.status_code, a["Location"]) for a in answers} == {(302, "/password-reset/sent/")}
    assert len(mail.outbox) == 2


def test_per_ip_limit_answers_429_for_any_address(owner, settings):
    settings.PASSWORD_RESET_RATE_LIMIT_PER_IP = 3
    client = Client()
    for n in range(3):
        assert ask(client, f"someone{n}@example.com").status_code == 302
    for email in (owner.email, "nobody@example.com"):
        limited = ask(client, email)
        assert limited.status_code == 429
        assert int(limited["Retry-After"]) > 0
    assert mail.outbox == []
    api = APIClient().post("/api/auth/password-reset", {"email": owner.email}, format="json")
    assert api.status_code == 429
    assert api.json()["error"] == "rate_limited"


def test_an_operator_without_a_workspace_can_reset(db):
    staff = UserFactory(email="ops@example.com", is_staff=True)
    ask(Client(), staff.email)
    assert [m.to for m in mail.outbox] == [["ops@example.com"]]
