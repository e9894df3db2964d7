"""Auth API: signup, login, refresh, me, error shapes and rate limits."""
import pytest
from django.contrib.auth.hashers import identify_hasher

from accounts.models import Membership, User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _long_rate_window(settings):
    # The limiter counts in fixed windows; an hour keeps a slow run from crossing into a fresh one mid-test.
    settings.LOGIN_RATE_LIMIT_WINDOW = 3600


def signup(client, **overrides):
    body = {"email": "Siti@Example.com", "password": "kopi-susu-2026", "full_name": "Siti",
            "workspace_name": "Toko Siti"}
    body.update(overrides)
    return client.post("/api/auth/signup", body, format="json")


def test_signup_creates_user_workspace_owner_and_returns_tokens(api_client):
    response = signup(api_client)
    assert response.status_code == 201, response.content
    assert set(response.json()) == {"access", "refresh"}
    user = User.objects.get(email="siti@example.com")
    assert identify_hasher(user.password).algorithm == "bcrypt_sha256"
    membership = Membership.objects.get(user=user)
    assert membership.role == "owner" and membership.workspace.name == "Toko Siti"
    assert membership.workspace.time_zone == "Asia/Jakarta"


def test_signup_with_taken_email_is_400_that_says_so(api_client):
    signup(api_client)
    response = signup(api_client, email="siti@example.com")
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "email_taken"
    assert "already exists" in body["message"]
    assert "email" in body["fields"]


def test_signup_rejects_weak_password_with_reason(api_client):
    response = signup(api_client, password="12345678")
    assert response.status_code == 400
    assert response.json()["fields"]["password"]
    assert not User.objects.exists()


def test_login_refresh_me(api_client):
    signup(api_client)
    response = api_client.post("/api/auth/login", {"email": "siti@example.com", "password": "kopi-susu-2026"},
                               format="json")
    assert response.status_code == 200
    tokens = response.json()
    refreshed = api_client.post("/api/auth/refresh", {"refresh": tokens["refresh"]}, format="json")
    assert refreshed.status_code == 200 and "access" in refreshed.json()
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {refreshed.json()['access']}")
    me = api_client.get("/api/me").json()
    assert me["email"] == "siti@example.com"
    assert me["role"] == "owner"
    assert me["workspace"]["name"] == "Toko Siti"


def test_wrong_password_is_401_with_clear_message(api_client):
    signup(api_client)
    response = api_client.post("/api/auth/login", {"email": "siti@example.com", "password": "nope-nope"},
                               format="json")
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_credentials"
    assert "Wrong email or password" in response.json()["message"]


def test_me_without_token_is_401(api_client):
    assert api_client.get("/api/me").status_code == 401


def test_login_is_rate_limited_per_email(api_client, settings):
    settings.LOGIN_RATE_LIMIT_PER_EMAIL = 3
    signup(api_client)
    for _ in range(3):
        api_client.post("/api/auth/login", {"email": "siti@example.com", "password": "x-wrong-1"}, format="json")
    response = api_client.post("/api/auth/login", {"email": "siti@example.com", "password": "kopi-susu-2026"},
                               format="json")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["error"] == "rate_limited"
    # another email from the same IP is not blocked by the email limit
    other = api_client.post("/api/auth/login", {"email": "x@example.com", "password": "whatever-1"}, format="json")
    assert other.status_code == 401


def test_login_is_rate_limited_per_ip(api_client, settings):
    settings.LOGIN_RATE_LIMIT_PER_IP = 2
    for n in range(2):
        api_client.post("/api/auth/login", {"email": f"u{n}@example.com", "password": "x-wrong-1"}, format="json")
    response = api_client.post("/api/auth/login", {"email": "new@example.com", "password": "x-wrong-1"},
                               format="json")
    assert response.status_code == 429
    elsewhere = api_client.post("/api/auth/login", {"email": "new@example.com", "password": "x-wrong-1"},
                                format="json", REMOTE_ADDR="10.9.9.9")
    assert elsewhere.status_code == 401


def test_openapi_schema_and_docs(api_client):
    schema = api_client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/auth/login" in schema.content
    assert api_client.get("/api/docs/").status_code == 200


def test_forged_forwarded_for_does_not_dodge_the_ip_limit(api_client, settings):
    settings.LOGIN_RATE_LIMIT_PER_IP = 2
    for n in range(2):
        api_client.post("/api/auth/login", {"email": f"f{n}@example.com", "password": "x-wrong-1"}, format="json",
                        HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    response = api_client.post("/api/auth/login", {"email": "f9@example.com", "password": "x-wrong-1"},
                               format="json", HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert response.status_code == 429


def test_behind_a_trusted_proxy_the_last_hop_is_the_client(api_client, settings):
    settings.LOGIN_RATE_LIMIT_PER_IP = 1
    settings.TRUST_X_FORWARDED_FOR = True
    api_client.post("/api/auth/login", {"email": "p1@example.com", "password": "x-wrong-1"}, format="json",
                    HTTP_X_FORWARDED_FOR="1.1.1.1, 198.51.100.7")
    other_client = api_client.post("/api/auth/login", {"email": "p2@example.com", "password": "x-wrong-1"},
                                   format="json", HTTP_X_FORWARDED_FOR="1.1.1.1, 198.51.100.8")
    assert other_client.status_code == 401
    same_client = api_client.post("/api/auth/login", {"email": "p3@example.com", "password": "x-wrong-1"},
                                  format="json", HTTP_X_FORWARDED_FOR="9.9.9.9, 198.51.100.7")
    assert same_client.status_code == 429
