"""The owner manages webhook endpoints on Settings → Webhooks and through /api/webhooks (the secret once); a key
needs the `webhooks` scope; agents cannot; another workspace's endpoints and deliveries are out of reach."""
import pytest

from integrations import webhooks
from integrations.models import WebhookDelivery, WebhookEndpoint

from .conftest import key_client

pytestmark = pytest.mark.django_db
URL = "https://hooks.example.com/sebar"


@pytest.fixture(autouse=True)
def public_dns(monkeypatch):
    # hooks.example.com "resolves" to a public address: no DNS leaves the test.
    monkeypatch.setattr("config.outbound._resolve", lambda host, port: ["93.184.215.14"])


def test_the_owner_adds_an_endpoint_on_the_page_and_sees_its_secret_once(owner_client, workspace):
    page = owner_client.post("/settings/webhooks/", {"url": URL, "events": ["message.received", "contact.opted_out"]})
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.workspace == workspace and endpoint.events == ["contact.opted_out", "message.received"]
    assert endpoint.secret in page.content.decode()
    again = owner_client.get("/settings/webhooks/").content.decode()
    assert URL in again and endpoint.secret not in again


def test_a_bad_endpoint_says_what_to_fix(owner_client, monkeypatch):
    monkeypatch.setattr("config.outbound._resolve", lambda host, port: ["10.1.2.3"])
    page = owner_client.post("/settings/webhooks/", {"url": "https://intranet.example/x",
                                                     "events": ["contact.created"]})
    assert page.status_code == 400 and "private or internal network" in page.content.decode()
    none = owner_client.post("/settings/webhooks/", {"url": URL})
    assert none.status_code == 400 and not WebhookEndpoint.objects.exists()


def test_endpoint_page_test_event_switch_and_delete(owner_client, workspace, owner, monkeypatch):
    posted = []
    def post(endpoint, event, body, session=None):
        posted.append(event)
        return 204, ""

    monkeypatch.setattr(webhooks, "_post", post)
    endpoint = webhooks.endpoint_create(workspace=workspace, actor=owner, url=URL, events=["contact.created"])
    with_callbacks = owner_client.post(f"/settings/webhooks/{endpoint.pk}/test/")
    assert with_callbacks.status_code == 302
    delivery = WebhookDelivery.objects.get()
    assert delivery.event == "webhook.test"
    webhooks.delivery_attempt(delivery.pk)
    assert posted == ["webhook.test"]
    page = owner_client.get(f"/settings/webhooks/{endpoint.pk}/").content.decode()
    assert "webhook.test" in page and delivery.event_id in page
    owner_client.post(f"/settings/webhooks/{endpoint.pk}/off/")
    assert not WebhookEndpoint.objects.get().is_active
    assert owner_client.post(f"/settings/webhooks/{endpoint.pk}/explode/").status_code == 404
    owner_client.post(f"/settings/webhooks/deliveries/{delivery.pk}/again/")
    assert WebhookDelivery.objects.get().status == WebhookDelivery.Status.PENDING
    owner_client.post(f"/settings/webhooks/{endpoint.pk}/delete/")
    assert not WebhookEndpoint.objects.exists()


def test_agents_cannot_and_other_workspaces_cannot_see(agent_client, outsider_client, agent_api, outsider_api,
                                                        workspace, owner):
    endpoint = webhooks.endpoint_create(workspace=workspace, actor=owner, url=URL, events=["contact.created"])
    delivery = webhooks._deliveries_create([endpoint], "webhook.test", {})[0]
    assert agent_client.get("/settings/webhooks/").status_code == 403
    assert agent_api.get("/api/webhooks").status_code == 403
    for client in (outsider_client,):
        assert client.get(f"/settings/webhooks/{endpoint.pk}/").status_code == 404
        assert client.post(f"/settings/webhooks/{endpoint.pk}/delete/").status_code == 404
        assert client.post(f"/settings/webhooks/deliveries/{delivery.pk}/again/").status_code == 404
    assert outsider_api.get("/api/webhooks").json() == []
    assert outsider_api.get(f"/api/webhooks/{endpoint.pk}/deliveries").status_code == 404
    assert outsider_api.delete(f"/api/webhooks/{endpoint.pk}").status_code == 404
    assert outsider_api.post(f"/api/webhooks/deliveries/{delivery.pk}/again").status_code == 404
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()


def test_the_api_manages_endpoints(owner_api, workspace):
    made = owner_api.post("/api/webhooks", {"url": URL, "events": ["campaign.completed"]}, format="json")
    assert made.status_code == 201, made.json()
    body = made.json()
    assert body["secret"].startswith("whsec_") and body["events"] == ["campaign.completed"]
    listed = owner_api.get("/api/webhooks").json()
    assert [e["id"] for e in listed] == [body["id"]] and "secret" not in listed[0]
    changed = owner_api.patch(f"/api/webhooks/{body['id']}", {"is_active": False}, format="json")
    assert changed.status_code == 200 and changed.json()["is_active"] is False
    test = owner_api.post(f"/api/webhooks/{body['id']}/test")
    assert test.status_code == 202 and test.json()["event"] == "webhook.test"
    log = owner_api.get(f"/api/webhooks/{body['id']}/deliveries").json()
    assert [d["event"] for d in log] == ["webhook.test"]
    bad = owner_api.post("/api/webhooks", {"url": URL, "events": ["nope"]}, format="json")
    assert bad.status_code == 400
    assert owner_api.delete(f"/api/webhooks/{body['id']}").status_code == 204


def test_a_key_needs_the_webhooks_scope(make_key):
    _key, without = make_key(scopes=["contacts:read"])
    refused = key_client(without).get("/api/webhooks")
    assert refused.status_code == 403 and refused.json()["error"] == "api_key_scope_missing"
    _key, with_scope = make_key(scopes=["webhooks"], name="n8n")
    client = key_client(with_scope)
    assert client.get("/api/webhooks").status_code == 200
    assert client.post("/api/webhooks", {"url": URL, "events": ["contact.created"]}, format="json").status_code == 201


def test_the_developers_page_puts_api_keys_and_endpoints_together(owner_client, agent_client, workspace, owner,
                                                                   make_key, settings):
    key, _full = make_key(scopes=["send"])
    webhooks.endpoint_create(workspace=workspace, actor=owner, url=URL, events=["contact.created"])
    page = owner_client.get("/settings/webhooks/developers/")
    body = page.content.decode()
    assert page.status_code == 200
    assert f"{settings.SITE_URL}/api/contacts" in body and f"X-Api-Key: {key.prefix}_" in body
    assert "1 active key" in body and "1 endpoint" in body and "Sebar-Signature" in body
    # The Send API in curl and in Python, with this workspace's key prefix and the idempotency header.
    python = body.split('data-testid="send-api-python">', 1)[1].split("</pre>", 1)[0]
    assert 'requests.post(f"{API}/messages"' in python and f"{key.prefix}_" in python
    assert '"Idempotency-Key": "order-1042"' in python
    assert agent_client.get("/settings/webhooks/developers/").status_code == 403
