"""API keys authenticate beside JWT, by both headers; wrong, expired and revoked keys are 401 with their code;
scopes open exactly the views keys.VIEW_SCOPES names; each key has its own rate limit; every request is logged."""
import hashlib
from datetime import timedelta
from importlib import import_module

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from contacts.models import Contact
from integrations import keys
from integrations.models import ApiKey, ApiKeyRequest

from .conftest import key_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(workspace):
    return Contact.objects.create(workspace=workspace, phone="6281234567890", name="Budi")


@pytest.mark.parametrize("header", ["bearer", "x-api-key"])
def test_a_key_reads_contacts_by_either_header(make_key, contact, header):
    _key, full = make_key()
    response = key_client(full, header).get("/api/contacts")
    assert response.status_code == 200, response.json()
    assert [c["name"] for c in response.json()["results"]] == ["Budi"]


def test_jwt_still_works(owner_api, contact):
    response = owner_api.get("/api/contacts")
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_writes_with_a_key_land_in_its_workspace(make_key, workspace):
    _key, full = make_key(scopes=["contacts:read", "contacts:write"])
    response = key_client(full).post("/api/contacts", {"phone": "+62 812 1111 2222", "name": "Sari"}, format="json")
    assert response.status_code == 201, response.json()
    assert Contact.objects.get(name="Sari").workspace == workspace


@pytest.mark.parametrize("mangle", [
    lambda full: full[:-1] + ("A" if full[-1] != "A" else "B"),  # wrong secret
    lambda full: "sk_Zz9Zz9Zz_" + full[12:],  # unknown prefix
    lambda full: "sk_short",  # not shaped like a key
])
def test_a_wrong_key_is_401(make_key, mangle):
    _key, full = make_key()
    response = key_client(mangle(full), "x-api-key").get("/api/contacts")
    assert response.status_code == 401
    assert response.json()["error"] == "api_key_invalid"
    assert ApiKeyRequest.objects.count() == 0  # nothing to attribute


def test_an_expired_key_is_401(make_key):
    key, full = make_key(expires_at=timezone.now() + timedelta(days=1))
    assert key_client(full).get("/api/contacts").status_code == 200
    ApiKey.objects.filter(pk=key.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = key_client(full).get("/api/contacts")
    assert response.status_code == 401
    assert response.json()["error"] == "api_key_expired"
    assert key.prefix in response.json()["message"]


def test_a_revoked_key_is_401(make_key, owner_api):
    key, full = make_key()
    assert key_client(full).get("/api/contacts").status_code == 200
    assert owner_api.delete(f"/api/keys/{key.pk}").status_code == 204
    response = key_client(full).get("/api/contacts")
    assert response.status_code == 401
    assert response.json()["error"] == "api_key_revoked"


def test_a_key_without_the_scope_is_403_naming_it(make_key):
    _key, full = make_key(scopes=["contacts:read"])
    response = key_client(full).post("/api/contacts", {"phone": "+6281211112222"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"] == "api_key_scope_missing"
    assert "contacts:write" in response.json()["message"]
    assert not Contact.objects.exists()
    assert key_client(full).get("/api/campaigns").json()["error"] == "api_key_scope_missing"


def test_scopes_open_their_views(make_key):
    _key, full = make_key(scopes=["campaigns", "inbox"])
    client = key_client(full)
    assert client.get("/api/campaigns").status_code == 200
    assert client.get("/api/chats").status_code == 200
    assert client.get("/api/contacts").status_code == 403


@pytest.mark.parametrize("path", ["/api/devices", "/api/keys", "/api/me", "/api/team/members", "/api/rotators",
                                  "/api/subscriptions"])
def test_views_not_in_the_map_refuse_every_key(make_key, path):
    _key, full = make_key(scopes=list(keys.SCOPES))
    response = key_client(full).get(path)
    assert response.status_code == 403
    assert response.json()["error"] == "api_key_not_allowed"


def test_no_key_can_create_or_revoke_keys(make_key):
    key, full = make_key(scopes=list(keys.SCOPES))
    client = key_client(full)
    assert client.post("/api/keys", {"name": "x", "scopes": ["send"]}, format="json").status_code == 403
    assert client.delete(f"/api/keys/{key.pk}").status_code == 403
    assert ApiKey.objects.count() == 1 and ApiKey.objects.get().revoked_at is None


def _api_view_classes(patterns=None):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            yield from _api_view_classes(entry.url_patterns)
        elif isinstance(entry, URLPattern) and getattr(entry.callback, "cls", None):
            cls = entry.callback.cls
            yield f"{cls.__module__}.{cls.__qualname__}"


def test_the_scope_map_names_real_api_views_and_known_scopes():
    routed = set(_api_view_classes())
    for path, scope in keys.VIEW_SCOPES.items():
        module, name = path.rsplit(".", 1)
        assert getattr(import_module(module), name), path
        assert path in routed, f"{path} is in VIEW_SCOPES but no URL routes to it"
        for one in scope if isinstance(scope, tuple) else (scope,):
            assert one in keys.SCOPES, f"{path}: unknown scope {one}"


def test_each_key_has_its_own_rate_limit(make_key, settings, owner_api):
    settings.API_KEY_RATE_LIMIT = "2/min"
    _key, full = make_key()
    _other, other_full = make_key(name="Other")
    client = key_client(full)
    assert [client.get("/api/contacts").status_code for _ in range(2)] == [200, 200]
    response = client.get("/api/contacts")
    assert response.status_code == 429
    assert response.json()["error"] == "throttled"
    assert 1 <= int(response["Retry-After"]) <= 60
    assert key_client(other_full).get("/api/contacts").status_code == 200  # another key counts alone
    assert all(owner_api.get("/api/contacts").status_code == 200 for _ in range(3))  # JWT is not counted
    assert ApiKeyRequest.objects.filter(status=429).count() == 1


def test_every_request_with_a_key_is_logged(make_key):
    key, full = make_key()
    client = key_client(full)
    client.get("/api/contacts", REMOTE_ADDR="203.0.113.7")
    client.get("/api/devices", REMOTE_ADDR="203.0.113.7")
    rows = list(ApiKeyRequest.objects.order_by("pk").values_list("key", "workspace", "method", "path", "status",
                                                                  "ip"))
    assert rows == [(key.pk, key.workspace_id, "GET", "/api/contacts", 200, "203.0.113.7"),
                    (key.pk, key.workspace_id, "GET", "/api/devices", 403, "203.0.113.7")]


def _key_updates(queries):
    return [q["sql"] for q in queries if q["sql"].startswith("UPDATE") and "integrations_apikey" in q["sql"]]


def test_last_use_is_written_at_most_once_a_minute(make_key):
    key, full = make_key()
    client = key_client(full)
    with CaptureQueriesContext(connection) as first:
        client.get("/api/contacts", REMOTE_ADDR="203.0.113.7")
    key.refresh_from_db()
    assert key.last_used_ip == "203.0.113.7" and key.last_used_at is not None
    assert len(_key_updates(first.captured_queries)) == 1
    seen = key.last_used_at

    with CaptureQueriesContext(connection) as again:
        client.get("/api/contacts", REMOTE_ADDR="198.51.100.9")
    key.refresh_from_db()
    assert (key.last_used_at, key.last_used_ip) == (seen, "203.0.113.7")
    assert _key_updates(again.captured_queries) == []

    ApiKey.objects.filter(pk=key.pk).update(last_used_at=seen - timedelta(minutes=2))
    client.get("/api/contacts", REMOTE_ADDR="198.51.100.9")
    key.refresh_from_db()
    assert key.last_used_ip == "198.51.100.9" and key.last_used_at > seen


def test_only_the_hash_of_the_secret_is_stored(make_key):
    key, full = make_key()
    prefix, secret = full[:11], full[12:]
    assert prefix == key.prefix and prefix.startswith("sk_") and len(secret) >= 40
    assert key.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    row = ApiKey.objects.filter(pk=key.pk).values().get()
    assert not any(secret in str(value) for value in row.values())
    # Two keys never share a secret or a prefix.
    other, other_full = make_key()
    assert other.prefix != key.prefix and other_full[12:] != secret


def test_the_docs_describe_keys_and_their_endpoints(api_client):
    schema = api_client.get("/api/schema/?format=json").json()
    scheme = schema["components"]["securitySchemes"]["ApiKeyAuth"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "X-Api-Key")
    assert {"get", "post"} <= set(schema["paths"]["/api/keys"]) and "delete" in schema["paths"]["/api/keys/{id}"]
    assert "key" in schema["components"]["schemas"]["ApiKeyCreated"]["properties"]
