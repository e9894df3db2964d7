"""The flows pages: the list for owners and agents, creating from a ready flow, the builder, archiving."""
import pytest

from flows import services
from flows.graph import graph_problems
from flows.models import Flow
from flows.ready_made import READY_MADE

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("key", list(READY_MADE))
def test_each_ready_flow_opens_in_the_builder_and_publishes(owner_client, key):
    response = owner_client.post("/flows/new/", {"name": f"From {key}", "start": key})
    flow = Flow.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/flows/{flow.pk}/"
    assert graph_problems(flow.draft) == []
    page = owner_client.get(response["Location"])
    assert page.status_code == 200 and b'id="fb-graph"' in page.content and b"flows_builder.js" in page.content
    assert services.flow_publish(flow=flow).number == 1


def test_ready_flows_speak_the_creators_language(owner_client):
    owner_client.post("/i18n/setlang/", {"language": "id"})
    owner_client.post("/flows/new/", {"name": "Pesanan", "start": "order"})
    texts = " ".join(n.get("text", "") for n in Flow.objects.get().draft["nodes"])
    assert "Berapa" in texts


def test_list_shows_figures_and_agents_see_no_create_form(owner_client, agent_client, workspace):
    services.flow_create(workspace=workspace, name="Menu FAQ")
    page = owner_client.get("/flows/")
    assert b"Menu FAQ" in page.content and b'data-testid="flow-new"' in page.content
    page = agent_client.get("/flows/")
    assert page.status_code == 200 and b"Menu FAQ" in page.content and b'data-testid="flow-new"' not in page.content
    flow = Flow.objects.get()
    assert agent_client.get(f"/flows/{flow.pk}/").status_code == 403


def test_duplicate_name_is_a_form_error(owner_client, workspace):
    services.flow_create(workspace=workspace, name="Menu")
    response = owner_client.post("/flows/new/", {"name": "Menu"})
    assert response.status_code == 400 and "already have a flow" in response.content.decode()


def test_archive_from_the_list(owner_client, outsider_client, workspace):
    flow = services.flow_create(workspace=workspace, name="Old")
    assert outsider_client.post(f"/flows/{flow.pk}/archive/").status_code == 404
    response = owner_client.post(f"/flows/{flow.pk}/archive/", follow=True)
    assert "archived" in response.content.decode()
    flow.refresh_from_db()
    assert flow.status == "archived"
