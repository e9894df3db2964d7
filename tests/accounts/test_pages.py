"""Account pages: signup, login, logout, password change, dashboard, language, health."""
import pytest

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_signup_page_creates_account_and_logs_in(client):
    response = client.post("/signup/", {"full_name": "Budi", "workspace_name": "Warung Budi",
                                        "email": "budi@example.com", "password": "nasi-goreng-77"})
    assert response.status_code == 302 and response["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert "Hello, Budi" in page.content.decode()
    assert User.objects.filter(email="budi@example.com").exists()


def test_signup_page_shows_taken_email_on_the_field(client, owner):
    response = client.post("/signup/", {"full_name": "A", "workspace_name": "B", "email": "alice@example.com",
                                        "password": "nasi-goreng-77"})
    assert response.status_code == 200
    email_errors = " ".join(response.context["form"].errors["email"])
    assert "already" in email_errors and email_errors in response.content.decode()


def test_login_logout(client, owner, password):
    response = client.post("/login/", {"email": "ALICE@example.com", "password": password})
    assert response.status_code == 302
    assert "Hello, Alice" in client.get("/").content.decode()
    client.post("/logout/")
    assert client.get("/account/password/")["Location"].startswith("/login/")
    assert b"home-signup" in client.get("/").content  # a visitor again: the public home


def test_login_wrong_password_message(client, owner):
    response = client.post("/login/", {"email": "alice@example.com", "password": "wrong-one"})
    assert response.status_code == 200
    assert "Wrong email or password" in response.content.decode()


def test_login_page_rate_limit_is_429_with_retry_after(client, owner, settings):
    settings.LOGIN_RATE_LIMIT_PER_EMAIL = 1
    client.post("/login/", {"email": "alice@example.com", "password": "wrong-one"})
    response = client.post("/login/", {"email": "alice@example.com", "password": "wrong-one"})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0


def test_login_next_is_not_an_open_redirect(client, owner, password):
    response = client.post("/login/?next=https://evil.example/", {"email": "alice@example.com", "password": password})
    assert response["Location"] == "/"


def test_password_change(owner_client, owner):
    response = owner_client.post("/account/password/", {
        "old_password": "correct-horse-battery-9", "new_password1": "teh-manis-dingin-5",
        "new_password2": "teh-manis-dingin-5"})
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password("teh-manis-dingin-5")


def test_navigation_lists_every_area_for_owners(owner_client):
    html = owner_client.get("/").content.decode()
    for label in ["Dashboard", "Devices", "Contacts", "Campaigns", "Inbox", "Auto-replies", "Link rotator", "Team",
                  "Billing"]:
        assert f"<span>{label}</span>" in html


def test_agents_do_not_see_owner_only_areas(agent_client):
    html = agent_client.get("/").content.decode()
    assert "<span>Inbox</span>" in html
    assert "<span>Billing</span>" not in html and "<span>Devices</span>" not in html


def test_indonesian_from_browser_and_switch(client, owner, password):
    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE="id")
    assert "Selamat datang kembali" in page.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE="id")
    assert "Log in" in page.content.decode()


def test_staff_without_workspace_gets_403_on_pages(client, db):
    admin = User.objects.create_superuser("ops@example.com", "ops-password-123")
    client.force_login(admin)
    assert client.get("/").status_code == 403


@pytest.fixture
def staff_client(client, db):
    client.force_login(User.objects.create_superuser("ops@example.com", "ops-password-123"))
    return client


def test_healthz_reports_database_and_redis_to_staff(staff_client):
    response = staff_client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["checks"]["database"]["ok"] and body["checks"]["redis"]["ok"]


def test_healthz_fails_when_redis_is_down(staff_client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = staff_client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"]["ok"] is False


@pytest.mark.parametrize("redis_url,status", [(None, 200), ("redis://127.0.0.1:1/0", 503)])
@pytest.mark.parametrize("as_owner", [False, True])  # a tenant's owner is not an operator either
def test_healthz_tells_others_only_ok_or_fail(client, settings, owner, redis_url, status, as_owner):
    settings.REDIS_URL = redis_url or settings.REDIS_URL
    if as_owner:
        client.force_login(owner)
    response = client.get("/healthz")
    assert response.status_code == status
    assert response.json() == {"status": "ok" if status == 200 else "fail"}


def test_only_the_closest_navigation_entry_is_active(owner_client):
    html = owner_client.get("/inbox/auto-replies/").content.decode()
    assert html.count('aria-current="page"') == 1
    assert 'active" aria-current="page">\n        <svg class="icon" aria-hidden="true"><use href="#i-bot">' in html
