"""The flows API: create, edit the draft, publish (checked), archive, start in a chat; roles and tenants."""
import pytest
from django.utils import timezone

from flows.models import Flow, FlowRun
from inbox.models import Chat
from tests.flows.conftest import ORDER
from tests.inbox.conftest import sent_texts

pytestmark = pytest.mark.django_db


def _create(api, name="Order", draft=ORDER):
    return api.post("/api/flows", {"name": name, "draft": draft}, format="json")


def test_owner_creates_edits_and_publishes(owner_api, workspace):
    response = _create(owner_api, draft={"nodes": []})
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["status"] == "draft" and response.json()["live_version"] is None
    response = owner_api.patch(f"/api/flows/{pk}", {"draft": ORDER}, format="json")
    assert response.status_code == 200 and len(response.json()["draft"]["nodes"]) == len(ORDER["nodes"])
    response = owner_api.post(f"/api/flows/{pk}/publish")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "published" and response.json()["live_version"] == 1
    assert owner_api.post(f"/api/flows/{pk}/publish").json()["live_version"] == 2
    assert [f["name"] for f in owner_api.get("/api/flows").json()["results"]] == ["Order"]


def test_publishing_a_broken_graph_names_the_node(owner_api):
    broken = {"nodes": [*ORDER["nodes"][:1], {**ORDER["nodes"][1], "options": [{"label": "Price"}]}]}
    pk = _create(owner_api, draft=broken).json()["id"]
    response = owner_api.post(f"/api/flows/{pk}/publish")
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "flow_invalid" and "menu" in body["fields"] and "“menu”" in body["message"]
    assert Flow.objects.get(pk=pk).live_version is None


def test_a_draft_must_be_graph_shaped_and_names_unique(owner_api):
    assert _create(owner_api, draft=[1, 2]).json()["error"] == "flow_invalid"
    assert _create(owner_api).status_code == 201
    response = _create(owner_api)
    assert response.status_code == 400 and "already have a flow" in response.json()["message"]


def test_archive_then_edit_is_refused(owner_api):
    pk = _create(owner_api).json()["id"]
    owner_api.post(f"/api/flows/{pk}/publish")
    assert owner_api.post(f"/api/flows/{pk}/archive").json()["status"] == "archived"
    response = owner_api.patch(f"/api/flows/{pk}", {"name": "New"}, format="json")
    assert response.status_code == 409 and response.json()["error"] == "flow_archived"


def test_start_in_a_chat_sends_the_first_prompt(owner_api, workspace, device, waha, django_capture_on_commit_callbacks):
    pk = _create(owner_api).json()["id"]
    chat = Chat.objects.create(workspace=workspace, device=device, phone="628123456789", name="Sari",
                               last_message_at=timezone.now())
    assert owner_api.post(f"/api/flows/{pk}/start", {"chat": chat.pk}, format="json").json()["error"] == \
        "flow_not_published"
    owner_api.post(f"/api/flows/{pk}/publish")
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_api.post(f"/api/flows/{pk}/start", {"chat": chat.pk, "variables": {"ref": "A1"}},
                                  format="json")
    assert response.status_code == 201, response.content
    assert response.json()["node"] == "menu" and response.json()["variables"] == {"ref": "A1"}
    assert sent_texts(waha) == ["Hi Sari, choose:\n1. Price\n2. Order\n3. Talk to CS"]


def test_start_refuses_another_workspaces_chat(owner_api, other_workspace, workspace, device):
    from devices.models import Device

    pk = _create(owner_api).json()["id"]
    owner_api.post(f"/api/flows/{pk}/publish")
    theirs = Device.objects.create(workspace=other_workspace, session_name="bravo-1", server=device.server)
    chat = Chat.objects.create(workspace=other_workspace, device=theirs, phone="628123456700")
    response = owner_api.post(f"/api/flows/{pk}/start", {"chat": chat.pk}, format="json")
    assert response.status_code == 400 and "chat" in response.json()["fields"]
    assert not FlowRun.objects.exists()


def test_agent_reads_but_cannot_change(owner_api, agent_api):
    pk = _create(owner_api).json()["id"]
    assert agent_api.get(f"/api/flows/{pk}").status_code == 200
    assert _create(agent_api, name="Mine").status_code == 403
    assert agent_api.patch(f"/api/flows/{pk}", {"name": "x"}, format="json").status_code == 403
    assert agent_api.post(f"/api/flows/{pk}/publish").status_code == 403
    assert Flow.objects.get(pk=pk).live_version is None


def test_outsider_gets_404(owner_api, outsider_api):
    pk = _create(owner_api).json()["id"]
    assert outsider_api.get(f"/api/flows/{pk}").status_code == 404
    assert outsider_api.post(f"/api/flows/{pk}/publish").status_code == 404
    assert outsider_api.get("/api/flows").json()["results"] == []


def test_a_chats_flow_state(owner_api, agent_api, outsider_api, workspace, device, waha,
                            django_capture_on_commit_callbacks):
    pk = _create(owner_api).json()["id"]
    owner_api.post(f"/api/flows/{pk}/publish")
    chat = Chat.objects.create(workspace=workspace, device=device, phone="628123456789", name="Sari")
    other = Chat.objects.create(workspace=workspace, device=device, phone="628123456780", name="Rina")
    with django_capture_on_commit_callbacks(execute=True):
        owner_api.post(f"/api/flows/{pk}/start", {"chat": chat.pk}, format="json")
        owner_api.post(f"/api/flows/{pk}/start", {"chat": other.pk}, format="json")
    runs = agent_api.get(f"/api/flow-runs?chat={chat.pk}&status=active").json()["results"]
    assert [(r["chat"], r["node"], r["version"]) for r in runs] == [(chat.pk, "menu", 1)]
    assert outsider_api.get(f"/api/flow-runs/{runs[0]['id']}").status_code == 404
    assert outsider_api.get("/api/flow-runs").json()["results"] == []
