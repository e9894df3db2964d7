"""Workspace A's flow for the tenant walk (tests/test_tenant_isolation.py, tests/test_agent_permissions.py)."""
from flows.models import Flow
from tests.url_walk import MARKER

PUBLIC = {}


def build(workspace, owner):
    flow = Flow.objects.create(workspace=workspace, name=MARKER, draft={"nodes": [
        {"id": "t", "kind": "trigger", "trigger": "keyword", "keywords": [MARKER], "next": "m"},
        {"id": "m", "kind": "message", "text": MARKER}]})
    ids = {"pk": flow.pk}
    return {"api:flow-detail": ids, "api:flow-publish": ids, "api:flow-archive": ids, "api:flow-start": ids,
            "api:flow-check": ids, "flows:builder": ids, "flows:archive": ids}
