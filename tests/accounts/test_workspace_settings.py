"""Owners change their business name, time zone, default phone region and language themselves (#20.15):
on the settings page and through /api/workspace; agents read, never write."""
import importlib

import pytest
from django.apps import apps
from django.utils import translation

from accounts.models import Workspace
from accounts.workspace_settings import region_choices, time_zone_choices
from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db

GOOD = {"name": "Batik Dewi", "time_zone": "Asia/Makassar", "default_region": "MY", "language": "id"}


def test_the_page_offers_real_zones_named_regions_and_the_languages(owner_client):
    response = owner_client.get("/settings/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<option value="Asia/Jakarta" selected>Asia/Jakarta (WIB, UTC+07:00)</option>' in html
    assert '<option value="Europe/London">' in html
    assert '<option value="US/Eastern">' not in html and '<option value="Etc/GMT-7">' not in html
    assert '<option value="ID" selected>Indonesia (+62)</option>' in html
    assert '<option value="GB">United Kingdom (+44)</option>' in html
    assert '<option value="id">Bahasa Indonesia</option>' in html


def test_region_names_follow_the_reader_s_language():
    with translation.override("id"):
        assert ("GB", "Inggris Raya (+44)") in region_choices()
    with translation.override("en"):
        choices = region_choices()
    assert ("DE", "Germany (+49)") in choices
    assert all(label.split(" (+")[0] != code for code, label in choices)  # a name, never the code alone
    assert [label for _, label in choices] == sorted((label for _, label in choices), key=str.lower)


def test_an_alias_set_in_the_admin_stays_selected():
    groups = dict(time_zone_choices(current="Asia/Saigon"))
    assert all("/" in name or name == "UTC" for group in groups.values() for name, _ in group)
    assert time_zone_choices(current="US/Eastern")[1][1][0] == ("US/Eastern", "US/Eastern")


def test_owner_saves_the_settings(owner_client, workspace):
    response = owner_client.post("/settings/", GOOD, follow=True)
    assert response.redirect_chain == [("/settings/", 302)]
    assert "Workspace settings saved." in response.content.decode()
    workspace.refresh_from_db()
    assert (workspace.name, workspace.time_zone, workspace.default_region, workspace.language) == (
        "Batik Dewi", "Asia/Makassar", "MY", "id")
    assert str(workspace.zone) == "Asia/Makassar"
    assert 'class="ws-name" title="Workspace">Batik Dewi<' in response.content.decode()


@pytest.mark.parametrize("field, value", [("time_zone", "Mars/Olympus"), ("default_region", "XX"),
                                          ("language", "fr"), ("name", "  ")])
def test_a_bad_value_is_refused_beside_its_field(owner_client, workspace, field, value):
    before = Workspace.objects.values().get(pk=workspace.pk)
    response = owner_client.post("/settings/", {**GOOD, field: value})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert Workspace.objects.values().get(pk=workspace.pk) == before


def test_the_service_refuses_a_zone_the_page_never_offered(workspace):
    from accounts.workspace_settings import workspace_update
    from config.errors import UserError

    with pytest.raises(UserError) as caught:
        workspace_update(workspace=workspace, time_zone="Asia/Jakarta ", default_region="Mars")
    assert set(caught.value.fields) == {"default_region"}
    workspace.refresh_from_db()
    assert workspace.time_zone == "Asia/Jakarta"  # nothing of a refused change is saved


def test_agents_cannot_open_or_post_the_page(agent_client, workspace):
    assert agent_client.get("/settings/").status_code == 403
    assert agent_client.post("/settings/", GOOD).status_code == 403
    workspace.refresh_from_db()
    assert workspace.name != "Batik Dewi"


def test_the_menu_links_it_for_owners_only(owner_client, agent_client):
    assert 'href="/settings/"' in owner_client.get("/").content.decode()
    assert 'href="/settings/"' not in agent_client.get("/inbox/").content.decode()


# ---------------------------------------------------------------- the API


def test_members_read_the_workspace(agent_api, workspace):
    body = agent_api.get("/api/workspace").json()
    assert body == {"id": str(workspace.public_id), "name": workspace.name, "time_zone": "Asia/Jakarta",
                    "default_region": "ID", "language": "en", "created_at": body["created_at"]}
    assert body["created_at"].endswith("+07:00")


def test_owners_change_it_agents_get_403(owner_api, agent_api, workspace):
    assert agent_api.patch("/api/workspace", {"name": "Mine now"}, format="json").status_code == 403
    response = owner_api.patch("/api/workspace", {"language": "id", "time_zone": "Asia/Jayapura"}, format="json")
    assert response.status_code == 200
    assert response.json()["language"] == "id" and response.json()["time_zone"] == "Asia/Jayapura"
    workspace.refresh_from_db()
    assert (workspace.language, workspace.time_zone, workspace.name) == ("id", "Asia/Jayapura", workspace.name)
    assert owner_api.put("/api/workspace", GOOD, format="json").json()["default_region"] == "MY"


def test_a_bad_value_through_the_api_names_its_field(owner_api, workspace):
    response = owner_api.patch("/api/workspace", {"time_zone": "Mars/Olympus"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid" and "Mars/Olympus" in response.json()["fields"]["time_zone"]
    response = owner_api.patch("/api/workspace", {"language": "fr"}, format="json")
    assert response.status_code == 400 and "language" in response.json()["fields"]
    assert owner_api.put("/api/workspace", {"name": "Only a name"}, format="json").status_code == 400
    workspace.refresh_from_db()
    assert workspace.time_zone == "Asia/Jakarta" and workspace.language == "en"


def test_each_workspace_sees_and_changes_only_its_own(outsider_api, other_workspace, workspace):
    assert outsider_api.get("/api/workspace").json()["id"] == str(other_workspace.public_id)
    outsider_api.patch("/api/workspace", {"name": "Renamed"}, format="json")
    workspace.refresh_from_db()
    other_workspace.refresh_from_db()
    assert workspace.name != "Renamed" and other_workspace.name == "Renamed"


def test_the_api_documents_the_endpoint():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert {"get", "put", "patch"} <= set(schema["paths"]["/api/workspace"])
    assert schema["components"]["schemas"]["LanguageEnum"]["enum"] == ["en", "id"]


# ---------------------------------------------------------------- existing workspaces


def test_existing_workspaces_take_their_first_owner_s_language():
    migration = importlib.import_module("accounts.migrations.0004_workspace_language")
    speaking = WorkspaceFactory()
    MembershipFactory(workspace=speaking, user=UserFactory(language="id"))
    MembershipFactory(workspace=speaking, user=UserFactory(language="en"))
    silent = WorkspaceFactory()
    MembershipFactory(workspace=silent, user=UserFactory(language=""))
    migration.language_from_owner(apps, None)
    speaking.refresh_from_db()
    silent.refresh_from_db()
    assert speaking.language == "id" and silent.language == "en"


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_new_workspace_speaks_the_language_it_signed_up_in(client, language):
    client.post("/signup/", {"full_name": "Budi", "workspace_name": "Warung Budi", "email": "budi@example.com",
                             "password": "nasi-goreng-77"}, HTTP_ACCEPT_LANGUAGE=language)
    assert Workspace.objects.get(name="Warung Budi").language == language


def test_an_api_signup_takes_accept_language(api_client):
    api_client.post("/api/auth/signup", {"email": "siti@example.com", "password": "kopi-susu-2026",
                                         "workspace_name": "Toko Siti"}, format="json", HTTP_ACCEPT_LANGUAGE="id")
    assert Workspace.objects.get(name="Toko Siti").language == "id"
