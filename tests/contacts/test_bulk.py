"""Bulk actions are one service (contacts.bulk): the list page and the API refuse and do the same things."""
import pytest

from contacts import bulk
from contacts.models import Contact

pytestmark = pytest.mark.django_db


def test_page_and_api_refuse_the_same_way(owner_client, owner_api, make_contact):
    c = make_contact("6281100000001", "Ani")
    api = owner_api.post("/api/contacts/bulk", {"action": "tag", "ids": [c.pk]}, format="json")
    assert api.status_code == 400 and api.json()["fields"]["tags"]
    page = owner_client.post("/contacts/bulk/", {"action": "tag", "ids": [c.pk]}, follow=True)
    assert "Type the tag to add or remove." in page.content.decode()
    assert api.json()["message"] == "Type the tag to add or remove."
    api = owner_api.post("/api/contacts/bulk", {"action": "delete"}, format="json")
    assert api.status_code == 400 and "filter for all matching" in api.json()["message"]
    assert Contact.objects.count() == 1


def test_agents_cannot_bulk_delete_by_either_door(agent_client, agent_api, workspace, make_contact):
    c = make_contact("6281100000002", "Budi")
    assert agent_api.post("/api/contacts/bulk", {"action": "delete", "ids": [c.pk]},
                          format="json").status_code == 403
    agent_client.post("/contacts/bulk/", {"action": "delete", "ids": [c.pk]})
    assert Contact.objects.filter(pk=c.pk).exists()


def test_ids_of_another_workspace_match_nothing(workspace, other_workspace, owner, make_contact):
    theirs = make_contact("6281100000003", "Theirs", ws=other_workspace)
    membership = owner.membership
    assert bulk.contacts_bulk(workspace=workspace, membership=membership, action="tag", ids=[theirs.pk],
                              tags="VIP") == 0
    assert bulk.contacts_bulk(workspace=workspace, membership=membership, action="delete", ids=[theirs.pk]) == 0
    assert Contact.objects.filter(pk=theirs.pk).exists()
