"""Owners manage keys through the API and the settings page (the secret shown once); agents cannot; another
workspace's keys and data are out of reach."""
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from contacts.models import Contact
from integrations.models import ApiKey
from tests.conftest import api_client_for

from .conftest import key_client

pytestmark = pytest.mark.django_db


def test_the_owner_creates_lists_and_revokes_a_key_by_api(owner_api, workspace, owner):
    response = owner_api.post("/api/keys", {"name": "Orders", "scopes": ["contacts:read", "send"],
                                            "expires_at": (timezone.now() + timedelta(days=30)).isoformat()},
                              format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["key"].startswith(body["prefix"] + "_") and body["scopes"] == ["contacts:read", "send"]
    key = ApiKey.objects.get()
    assert (key.workspace, key.created_by, key.name) == (workspace, owner, "Orders")
    assert key_client(body["key"]).get("/api/contacts").status_code == 200

    listed = owner_api.get("/api/keys").json()
    assert [k["prefix"] for k in listed] == [body["prefix"]] and listed[0]["status"] == "active"
    assert "key" not in listed[0] and body["key"] not in str(listed)

    assert owner_api.delete(f"/api/keys/{key.pk}").status_code == 204
    assert owner_api.get("/api/keys").json()[0]["status"] == "revoked"


@pytest.mark.parametrize(("data", "field"), [
    ({"name": "x", "scopes": []}, "scopes"),
    ({"name": "x", "scopes": ["everything"]}, "scopes"),
    ({"name": "x", "scopes": ["send"], "expires_at": "2020-01-01T00:00:00Z"}, "expires_at"),
])
def test_a_bad_key_request_says_which_field(owner_api, data, field):
    response = owner_api.post("/api/keys", data, format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert not ApiKey.objects.exists()


def test_agents_cannot_manage_keys(agent_api, agent_client, make_key):
    key, _full = make_key()
    assert agent_api.get("/api/keys").status_code == 403
    assert agent_api.post("/api/keys", {"name": "x", "scopes": ["send"]}, format="json").status_code == 403
    assert agent_api.delete(f"/api/keys/{key.pk}").status_code == 403
    assert agent_client.get("/settings/api-keys/").status_code == 403
    assert agent_client.post(f"/settings/api-keys/{key.pk}/revoke/").status_code == 403
    key.refresh_from_db()
    assert key.revoked_at is None


def test_a_key_of_workspace_a_never_sees_b(make_key, other_workspace):
    theirs = Contact.objects.create(workspace=other_workspace, phone="6289999999999", name="Bravo customer")
    _key, full = make_key(scopes=["contacts:read", "contacts:write"])
    client = key_client(full)
    assert client.get("/api/contacts").json()["count"] == 0
    assert client.get(f"/api/contacts/{theirs.pk}").status_code == 404
    assert client.patch(f"/api/contacts/{theirs.pk}", {"name": "x"}, format="json").status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Bravo customer"


def test_b_cannot_see_or_revoke_a_key_of_a(make_key, outsider, outsider_client):
    key, full = make_key()
    outsider_api = api_client_for(outsider)
    assert outsider_api.get("/api/keys").json() == []
    assert outsider_api.delete(f"/api/keys/{key.pk}").status_code == 404
    assert outsider_client.post(f"/settings/api-keys/{key.pk}/revoke/").status_code == 404
    assert key.prefix not in outsider_client.get("/settings/api-keys/").content.decode()
    key.refresh_from_db()
    assert key.revoked_at is None
    assert key_client(full).get("/api/contacts").status_code == 200


def test_the_settings_page_creates_a_key_shown_once(owner_client, workspace):
    settings_page = owner_client.get("/settings/").content.decode()
    assert 'href="/settings/api-keys/"' in settings_page

    response = owner_client.post("/settings/api-keys/", {"name": "n8n", "scopes": ["inbox", "send"],
                                                          "expires_on": ""})
    assert response.status_code == 200
    html = response.content.decode()
    full = re.search(r'data-copy="(sk_[A-Za-z0-9]{8}_[^"]+)"', html).group(1)
    assert response["Cache-Control"] == "no-store"
    key = ApiKey.objects.get()
    assert full.startswith(key.prefix) and key.scopes == ["inbox", "send"] and key.expires_at is None

    again = owner_client.get("/settings/api-keys/").content.decode()
    assert key.prefix in again and "n8n" in again and full not in again
    assert "Authorization: Bearer sk_…" in again  # the header's name survives the translation tag


def test_the_page_expiry_is_the_end_of_that_day_in_the_workspace_zone(owner_client, workspace):
    day = timezone.localdate() + timedelta(days=10)
    owner_client.post("/settings/api-keys/", {"name": "Sheet", "scopes": ["contacts:read"],
                                              "expires_on": day.isoformat()})
    key = ApiKey.objects.get()
    local = key.expires_at.astimezone(workspace.zone)
    assert (local.date(), local.hour, local.minute) == (day + timedelta(days=1), 0, 0)


def test_the_page_refuses_a_past_expiry_and_no_scope(owner_client):
    response = owner_client.post("/settings/api-keys/", {"name": "Old", "scopes": ["send"],
                                                          "expires_on": "2020-01-01"})
    assert response.status_code == 400 and "future" in response.content.decode()
    response = owner_client.post("/settings/api-keys/", {"name": "None"})
    assert response.status_code == 400
    assert not ApiKey.objects.exists()


def test_the_page_revokes_a_key(owner_client, make_key):
    key, full = make_key()
    response = owner_client.post(f"/settings/api-keys/{key.pk}/revoke/")
    assert response.status_code == 302 and response["Location"] == "/settings/api-keys/"
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert key_client(full).get("/api/contacts").status_code == 401
    assert owner_client.get(f"/settings/api-keys/{key.pk}/revoke/").status_code == 405
