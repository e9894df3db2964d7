"""Keys for the integrations tests: `make_key` returns (ApiKey, the full key as a client sends it)."""
import pytest
from rest_framework.test import APIClient

from integrations.services import apikey_create


@pytest.fixture
def make_key(workspace, owner):
    def make(scopes=("contacts:read",), workspace_=None, actor=None, **kwargs):
        return apikey_create(workspace=workspace_ or workspace, actor=actor or owner, name=kwargs.pop("name", "Shop"),
                             scopes=list(scopes), **kwargs)
    return make


def key_client(full, header="bearer"):
    client = APIClient()
    if header == "bearer":
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {full}")
    else:
        client.credentials(HTTP_X_API_KEY=full)
    return client
