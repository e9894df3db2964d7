"""Flows fixtures: the inbox's fake WAHA and delivery (tests/inbox/conftest.py), and a helper that publishes a
graph as a flow."""
import pytest

from flows import services
from tests.inbox.conftest import _fast_passwords, _media_in_tmp, deliver, device, waha  # noqa: F401

ORDER = {"nodes": [
    {"id": "t1", "kind": "trigger", "trigger": "keyword", "keywords": ["order", "pesan"], "next": "menu"},
    {"id": "menu", "kind": "menu", "text": "Hi [name], choose:", "next": None,
     "options": [{"label": "Price", "next": "price"}, {"label": "Order", "next": "qty"},
                 {"label": "Talk to CS", "next": "cs"}]},
    {"id": "price", "kind": "message", "text": "{Our|The} price is 10k", "next": "menu"},
    {"id": "qty", "kind": "question", "text": "How many?", "validate": "number", "retry": "A number please",
     "store": "variable", "name": "qty", "next": "email", "timeout_minutes": 30, "reminder_minutes": 10,
     "reminder": "Still there?"},
    {"id": "email", "kind": "question", "text": "Your e-mail?", "validate": "email", "store": "field",
     "name": "email", "next": "big"},
    {"id": "big", "kind": "condition", "rules": [{"check": "variable", "name": "qty", "op": "gt", "value": "10",
                                                  "next": "bulk"}], "else": "thanks"},
    {"id": "bulk", "kind": "action", "action": "tag_add", "tag": "bulk", "next": "thanks"},
    {"id": "thanks", "kind": "action", "action": "end", "text": "Thanks! [qty] noted for [email]."},
    {"id": "cs", "kind": "action", "action": "handoff"},
]}


@pytest.fixture
def publish(workspace):
    def _publish(graph=ORDER, name="Order"):
        flow = services.flow_create(workspace=workspace, name=name, draft=graph)
        services.flow_publish(flow=flow)
        flow.refresh_from_db()
        return flow

    return _publish
