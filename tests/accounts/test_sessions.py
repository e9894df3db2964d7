"""Account → Sessions (issue 19): the account's browsers and API logins with address and last seen; ending one, or
all; a password change or a deactivated account ends every other session and refresh token at once."""
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import session_tracking
from accounts.models import ApiSession, User, WebSession
from audit.models import AuditEntry
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
SIGNED_IN_PAGE = "/account/password/"
PHONE_UA = "Mozilla/5.0 (Linux; Android 14; Pixel 8) Chrome/131.0 Mobile"
LAPTOP_UA = "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0"


def browser(user, ua, ip):
    client = Client(HTTP_USER_AGENT=ua, REMOTE_ADDR=ip)
    response = client.post("/login/", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client


def api_login(user, ua="sebar-sync/2.1"):
    response = APIClient().post("/api/auth/login", {"email": user.email, "password": PASSWORD}, format="json",
                                HTTP_USER_AGENT=ua, REMOTE_ADDR="192.0.2.44")
    assert response.status_code == 200, response.content
    return response.json()


def refresh(token):
    return APIClient().post("/api/auth/refresh", {"refresh": token}, format="json")


def signed_in(client):
    return client.get(SIGNED_IN_PAGE).status_code == 200


def test_the_page_lists_browsers_and_api_logins(owner):
    laptop = browser(owner, LAPTOP_UA, "198.51.100.1")
    browser(owner, PHONE_UA, "198.51.100.2")
    api_login(owner)
    page = laptop.get("/account/sessions/").content.decode()
    assert page.count('data-testid="web-session"') == 2 and page.count('data-testid="api-session"') == 1
    assert "Pixel 8" in page and "198.51.100.2" in page and "sebar-sync/2.1" in page and "192.0.2.44" in page
    assert "Chrome 131 on Android, Pixel 8" in page and "Firefox 133 on Linux" in page  # in words, not the header
    assert page.count('data-testid="this-session"') == 1
    # This browser is first, marked, and has no "Log out" of its own (that is the menu's).
    first_row = page.split('data-testid="web-session"')[1]
    assert "Firefox" in first_row and 'data-testid="this-session"' in first_row and "end-session" not in first_row


def test_ending_another_browser_logs_it_out(owner):
    laptop = browser(owner, LAPTOP_UA, "198.51.100.1")
    phone = browser(owner, PHONE_UA, "198.51.100.2")
    row = WebSession.objects.get(user_agent=PHONE_UA)
    response = laptop.post(f"/account/sessions/web/{row.public_id}/end/")
    assert response.status_code == 302
    assert not signed_in(phone) and signed_in(laptop)
    assert not WebSession.objects.filter(pk=row.pk).exists()
    entry = AuditEntry.objects.get(action="session.revoked")
    assert entry.actor == owner and "Pixel 8" in entry.target


def test_this_browser_is_not_ended_from_the_list(owner):
    laptop = browser(owner, LAPTOP_UA, "198.51.100.1")
    row = WebSession.objects.get(user=owner)
    laptop.post(f"/account/sessions/web/{row.public_id}/end/")
    assert signed_in(laptop) and WebSession.objects.filter(pk=row.pk).exists()


def test_another_accounts_session_is_a_404_and_stays(owner, agent, outsider):
    phone = browser(owner, PHONE_UA, "198.51.100.2")
    pair = api_login(owner)
    web, api = WebSession.objects.get(user=owner), ApiSession.objects.get(user=owner)
    for intruder in (browser(outsider, LAPTOP_UA, "203.0.113.1"), browser(agent, LAPTOP_UA, "203.0.113.2")):
        assert intruder.post(f"/account/sessions/web/{web.public_id}/end/").status_code == 404
        assert intruder.post(f"/account/sessions/api/{api.public_id}/end/").status_code == 404
        listed = intruder.get("/account/sessions/").content.decode()
        assert "Pixel 8" not in listed and "sebar-sync" not in listed
    assert signed_in(phone) and refresh(pair["refresh"]).status_code == 200


def test_ending_an_api_login_stops_its_refresh_token(owner, owner_client):
    pair = api_login(owner)
    other = api_login(owner, ua="other-client/1")
    row = ApiSession.objects.get(user_agent="sebar-sync/2.1")
    assert owner_client.post(f"/account/sessions/api/{row.public_id}/end/").status_code == 302
    response = refresh(pair["refresh"])
    assert response.status_code == 401 and response.json()["error"] == "token_not_valid"
    assert refresh(other["refresh"]).status_code == 200  # only that one
    assert AuditEntry.objects.filter(action="session.revoked", actor=owner).count() == 1


def test_a_refresh_moves_the_api_login_on(owner):
    pair = api_login(owner)
    row = ApiSession.objects.get(user=owner)
    first_jti = row.jti
    new = refresh(pair["refresh"]).json()
    row.refresh_from_db()
    assert row.jti != first_jti and ApiSession.objects.filter(user=owner).count() == 1
    # Ending it now blacklists the refresh token of the chain that still works.
    session_tracking.api_session_revoke(user=owner, public_id=row.public_id)
    assert refresh(new["refresh"]).status_code == 401


def test_api_logout_takes_it_off_the_list(owner):
    pair = api_login(owner)
    assert APIClient().post("/api/auth/logout", {"refresh": pair["refresh"]}, format="json").status_code == 204
    assert not ApiSession.objects.filter(user=owner).exists()


def test_log_out_everywhere_ends_another_browser_and_a_refresh_token(owner):
    laptop = browser(owner, LAPTOP_UA, "198.51.100.1")
    phone = browser(owner, PHONE_UA, "198.51.100.2")
    pair = api_login(owner)
    page = laptop.get("/account/sessions/")
    assert b'data-testid="logout-everywhere"' in page.content
    assert laptop.post("/account/logout-everywhere/")["Location"] == "/login/"
    assert not signed_in(phone) and not signed_in(laptop)
    assert refresh(pair["refresh"]).status_code == 401
    assert not WebSession.objects.filter(user=owner).exists() and not ApiSession.objects.filter(user=owner).exists()


def test_a_password_change_ends_the_others_and_keeps_this_one_listed(owner):
    laptop = browser(owner, LAPTOP_UA, "198.51.100.1")
    phone = browser(owner, PHONE_UA, "198.51.100.2")
    pair = api_login(owner)
    response = laptop.post("/account/password/", {"old_password": PASSWORD, "new_password1": "kopi-susu-2027-x",
                                                  "new_password2": "kopi-susu-2027-x"})
    assert response.status_code == 302
    assert not signed_in(phone) and refresh(pair["refresh"]).status_code == 401
    page = laptop.get("/account/sessions/").content.decode()
    assert page.count('data-testid="web-session"') == 1 and "Firefox" in page and "Pixel 8" not in page
    assert 'data-testid="no-api-sessions"' in page
    # Django moved this browser to a new session key; the row followed, so ending it from elsewhere still works.
    row = WebSession.objects.get(user_agent=LAPTOP_UA)
    assert Session.objects.filter(session_key=row.session_key).exists()


def test_a_deactivated_account_loses_every_session_and_token_for_good(owner):
    phone = browser(owner, PHONE_UA, "198.51.100.2")
    pair = api_login(owner)
    user = User.objects.get(pk=owner.pk)
    user.is_active = False
    user.save()
    assert not signed_in(phone) and refresh(pair["refresh"]).status_code == 401
    user.is_active = True
    user.save()
    assert not signed_in(phone)  # turned on again, the old session and token stay dead
    assert refresh(pair["refresh"]).status_code == 401


def test_sessions_from_before_the_list_are_picked_up(owner, owner_client):
    """A session that logged in before rows existed gets one on its next page."""
    WebSession.objects.filter(user=owner).delete()
    session = owner_client.session
    for key in (session_tracking.SESSION_ID_KEY, session_tracking.SESSION_KEY_SEEN, session_tracking.SEEN_AT_KEY):
        session.pop(key, None)
    session.save()
    assert signed_in(owner_client)
    assert WebSession.objects.filter(user=owner).count() == 1
    assert b'data-testid="this-session"' in owner_client.get("/account/sessions/").content


def test_a_session_whose_row_was_deleted_is_logged_out(owner, owner_client):
    session = owner_client.session
    session[session_tracking.SEEN_AT_KEY] = 0  # due for its "last seen" update
    session.save()
    WebSession.objects.filter(user=owner).delete()
    owner_client.get(SIGNED_IN_PAGE)
    assert not signed_in(owner_client)


def test_the_flush_forgets_ended_and_idle_rows(owner, settings):
    browser(owner, PHONE_UA, "198.51.100.2")
    api_login(owner)
    kept = browser(owner, LAPTOP_UA, "198.51.100.1")
    WebSession.objects.filter(user_agent=PHONE_UA).update(
        last_seen_at=timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE + 1))
    ApiSession.objects.filter(user=owner).update(token_version=owner.token_version - 1 if owner.token_version else 0)
    User.objects.filter(pk=owner.pk).update(token_version=owner.token_version + 1)
    WebSession.objects.filter(user_agent=LAPTOP_UA).update(token_version=owner.token_version + 1)
    assert session_tracking.sessions_flush() == 2
    assert list(WebSession.objects.values_list("user_agent", flat=True)) == [LAPTOP_UA]
    assert kept is not None


def test_an_agent_sees_only_their_own_sessions(owner, agent):
    browser(owner, PHONE_UA, "198.51.100.2")
    agent_browser = browser(agent, LAPTOP_UA, "198.51.100.9")
    page = agent_browser.get("/account/sessions/")
    assert page.status_code == 200
    assert page.content.decode().count('data-testid="web-session"') == 1 and b"Pixel 8" not in page.content
