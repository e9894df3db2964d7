"""Workspace A's flow and a chat's run in it, for the tenant walk (tests/test_tenant_isolation.py,
tests/test_agent_permissions.py). The run sits in the chat the inbox's world made (built before this one)."""
from flows.models import Flow, FlowRun, FlowVersion
from inbox.models import Chat
from tests.url_walk import MARKER

PUBLIC = {}


def build(workspace, owner):
    flow = Flow.objects.create(workspace=workspace, name=MARKER, draft={"nodes": [
        {"id": "t", "kind": "trigger", "trigger": "keyword", "keywords": [MARKER], "next": "m"},
        {"id": "m", "kind": "message", "text": MARKER}]})
    version = FlowVersion.objects.create(workspace=workspace, flow=flow, number=1, graph=flow.draft)
    chat = Chat.objects.for_workspace(workspace).first()
    run = FlowRun.objects.create(workspace=workspace, flow=flow, version=version, chat=chat, node="m",
                                 variables={"answer": MARKER}, expires_at=chat.created_at)
    ids = {"pk": flow.pk}
    return {"api:flow-detail": ids, "api:flow-publish": ids, "api:flow-archive": ids, "api:flow-start": ids,
            "api:flow-check": ids, "flows:builder": ids, "flows:archive": ids,
            "api:flow-run-detail": {"pk": run.pk}}
