"""/admin/login/ sits behind the app's login limiter (issue 12 #8): staff accounts see every tenant."""
import pytest
from django.test import Client

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return UserFactory(email="ops@example.com", is_staff=True, is_superuser=True)


def admin_login(client, email, password, **extra):
    return client.post("/admin/login/?next=/admin/", {"username": email, "password": password}, **extra)


def test_admin_login_works(staff):
    response = admin_login(Client(), staff.email, PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_admin_login_is_limited_per_account_even_with_the_right_password(staff, settings):
    settings.LOGIN_RATE_LIMIT_PER_EMAIL = 3
    settings.LOGIN_RATE_LIMIT_WINDOW = 3600
    client = Client()
    for _ in range(3):
        assert admin_login(client, staff.email, "guess-guess-1").status_code == 200
    response = admin_login(client, staff.email, PASSWORD)
    assert response.status_code == 200  # the form again, not the admin
    assert b"Too many login attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_admin_and_app_logins_share_one_counter(staff, settings):
    settings.LOGIN_RATE_LIMIT_PER_IP = 2
    settings.LOGIN_RATE_LIMIT_WINDOW = 3600
    client = Client()
    client.post("/login/", {"email": "a@example.com", "password": "guess-guess-1"})
    client.post("/api/auth/login", {"email": "b@example.com", "password": "guess-guess-1"},
                content_type="application/json")
    response = admin_login(client, staff.email, PASSWORD)
    assert b"Too many login attempts" in response.content
