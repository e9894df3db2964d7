"""Login limits fall on the guesser, never on the owner (issue 12 #18)."""
import pytest
from django.test import Client

from accounts.login_devices import COOKIE

pytestmark = pytest.mark.django_db

OWNER_IP = "198.51.100.20"


@pytest.fixture(autouse=True)
def _window(settings):
    settings.LOGIN_RATE_LIMIT_WINDOW = 3600


def login(client, password, ip, email="alice@example.com"):
    return client.post("/login/", {"email": email, "password": password}, REMOTE_ADDR=ip)


def test_a_guesser_on_one_address_is_stopped_and_the_owner_still_logs_in(owner, password, settings):
    settings.LOGIN_RATE_LIMIT_PER_EMAIL = 3
    guesser = Client()
    for _ in range(3):
        assert login(guesser, "guess-guess-1", "203.0.113.5").status_code == 200
    assert login(guesser, password, "203.0.113.5").status_code == 429  # even the right password, from there
    response = login(Client(), password, OWNER_IP)
    assert response.status_code == 302 and response["Location"] == "/"


def test_a_guesser_spread_over_addresses_cannot_lock_out_a_browser_that_logged_in_before(owner, password, settings):
    settings.LOGIN_RATE_LIMIT_PER_ACCOUNT = 4
    owners_browser = Client()
    assert login(owners_browser, password, OWNER_IP).status_code == 302
    assert COOKIE in owners_browser.cookies
    owners_browser.post("/logout/")
    for n in range(6):
        login(Client(), "guess-guess-1", f"203.0.113.{n}")
    # a new browser is stopped by the account-wide count of wrong passwords ...
    assert login(Client(), password, "203.0.113.77").status_code == 429
    # ... the owner's browser is not
    response = login(owners_browser, password, OWNER_IP)
    assert response.status_code == 302 and response["Location"] == "/"


def test_a_known_device_cookie_is_tied_to_its_account(owner, password, settings):
    from tests.factories import PASSWORD, UserFactory

    UserFactory(email="bob@example.com")
    settings.LOGIN_RATE_LIMIT_PER_ACCOUNT = 2
    browser = Client()
    assert login(browser, PASSWORD, OWNER_IP, email="bob@example.com").status_code == 302
    browser.post("/logout/")
    for n in range(3):
        login(Client(), "guess-guess-1", f"203.0.113.{n}")
    # a cookie earned on bob's account does not spare this browser alice's account-wide limit
    assert login(browser, password, OWNER_IP).status_code == 429
    browser.cookies[COOKIE] = "forged-value"
    assert login(browser, password, OWNER_IP).status_code == 429


def test_successful_logins_do_not_count_as_failures(owner, password, settings):
    settings.LOGIN_RATE_LIMIT_PER_ACCOUNT = 2
    for n in range(4):
        client = Client()
        assert login(client, password, f"192.0.2.{n}").status_code == 302


def test_the_operators_admin_login_also_remembers_the_browser(settings, password):
    from tests.factories import PASSWORD, UserFactory

    UserFactory(email="ops@example.com", is_staff=True, is_superuser=True)
    browser = Client()
    response = browser.post("/admin/login/?next=/admin/", {"username": "ops@example.com", "password": PASSWORD})
    assert response.status_code == 302 and COOKIE in browser.cookies


def test_signup_with_a_taken_email_points_at_login_only(client, owner):
    response = client.post("/signup/", {"full_name": "A", "workspace_name": "B", "email": "alice@example.com",
                                        "password": "nasi-goreng-77"})
    page = response.content.decode()
    assert "already exists" in page and "reset" not in page.lower()
