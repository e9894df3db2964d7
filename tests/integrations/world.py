"""Workspace A's API key and webhook endpoint for the tenant walk (tests/test_tenant_isolation.py)."""
from integrations.models import WebhookDelivery, WebhookEndpoint
from integrations.services import apikey_create
from tests.url_walk import MARKER

PUBLIC = {}


def build(workspace, owner):
    key, _full = apikey_create(workspace=workspace, actor=owner, name=MARKER, scopes=["contacts:read"])
    ids = {"pk": key.pk}
    # Created directly: the walk's URLs need the rows, not an address check (no DNS in tests).
    endpoint = WebhookEndpoint.objects.create(workspace=workspace, created_by=owner, url="https://hooks.example.com/x",
                                              description=MARKER, events=["contact.created"], secret="whsec_walk")
    delivery = WebhookDelivery.objects.create(workspace=workspace, endpoint=endpoint, event_id="evt_walk",
                                              event="webhook.test", body="{}")
    hook, again = {"pk": endpoint.pk}, {"pk": delivery.pk}
    return {"integrations:key-revoke": ids, "api:apikey-detail": ids,
            "integrations-webhooks:endpoint": hook, "integrations-webhooks:action": {**hook, "action": "test"},
            "integrations-webhooks:again": again, "api:webhook-detail": hook, "api:webhook-test": hook,
            "api:webhook-deliveries": hook, "api:webhook-delivery-again": again}
