"""Logins while the cache (Redis) is down (issue 12 #9): the limiter falls back to this process's memory with
a warning, so people can still log in (pages, API, admin) and attackers are still limited."""
import logging

import pytest
import redis
from django.test import Client

from accounts import ratelimit
from tests.factories import PASSWORD, UserFactory
from tests.outage import cache_down_fixture

__all__ = ["cache_down_fixture"]
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_fallback():
    fallback = getattr(ratelimit, "_local", None)  # the in-process counts, kept between tests otherwise
    if fallback is not None:
        fallback.clear()
    yield
    if fallback is not None:
        fallback.clear()


def test_the_cache_is_really_down(cache_down):
    from django.core.cache import cache

    with pytest.raises(redis.exceptions.ConnectionError):
        cache.get("anything")


def test_page_login_works_and_warns(client, owner, password, cache_down, caplog):
    with caplog.at_level(logging.WARNING, logger="accounts.ratelimit"):
        response = client.post("/login/", {"email": "alice@example.com", "password": password})
    assert response.status_code == 302 and "_auth_user_id" in client.session
    assert "cache cannot be reached" in caplog.text


def test_api_login_works(api_client, owner, password, cache_down):
    response = api_client.post("/api/auth/login", {"email": "alice@example.com", "password": password},
                               format="json")
    assert response.status_code == 200 and response.json()["access"]


def test_admin_login_works(cache_down):
    staff = UserFactory(email="ops@example.com", is_staff=True, is_superuser=True)
    response = Client().post("/admin/login/?next=/admin/", {"username": staff.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_guessing_is_still_limited_in_this_process(client, owner, settings, cache_down):
    settings.LOGIN_RATE_LIMIT_PER_EMAIL = 2
    for _ in range(2):
        assert client.post("/login/", {"email": "alice@example.com", "password": "wrong-one"}).status_code == 200
    response = client.post("/login/", {"email": "alice@example.com", "password": "wrong-one"})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
