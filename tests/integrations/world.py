"""Workspace A's API key for the tenant walk (tests/test_tenant_isolation.py)."""
from integrations.services import apikey_create
from tests.url_walk import MARKER

PUBLIC = {}


def build(workspace, owner):
    key, _full = apikey_create(workspace=workspace, actor=owner, name=MARKER, scopes=["contacts:read"])
    ids = {"pk": key.pk}
    return {"integrations:key-revoke": ids, "api:apikey-detail": ids}
