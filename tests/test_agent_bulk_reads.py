"""What an agent may read in bulk (issue 12 #11), one rule in accounts/permissions.py: the first screen of
any list, never page after page, and no files of rows. Each walk-around the review found is tried."""
import pytest

from campaigns.models import Campaign, Recipient
from contacts.models import Contact, ImportJob, ImportReject

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_contacts(workspace):
    Contact.objects.bulk_create([Contact(workspace=workspace, phone=f"62811{n:08d}", name=f"C{n}")
                                 for n in range(120)])


def test_agents_get_one_capped_page_of_contacts_and_no_cursor(agent_api, owner_api, many_contacts):
    body = agent_api.get("/api/contacts", {"page_size": 500}).json()
    assert len(body["results"]) == 50 and body["next_cursor"] is None
    assert agent_api.get("/api/contacts", {"cursor": body["results"][-1]["id"]}).status_code == 403
    owner = owner_api.get("/api/contacts", {"page_size": 500}).json()
    assert len(owner["results"]) == 120  # owners may export anyway: they page freely


def test_agents_can_still_find_anyone_by_search(agent_api, many_contacts):
    body = agent_api.get("/api/contacts", {"q": "C119"}).json()
    assert [c["name"] for c in body["results"]] == ["C119"]


def test_the_contacts_page_shows_agents_one_screen(agent_client, many_contacts):
    html = agent_client.get("/contacts/").content.decode()
    assert "cursor=" not in html
    assert agent_client.get("/contacts/", {"cursor": 10**9}).content.decode().count('name="ids"') <= 50


def test_agents_cannot_download_import_rejects(agent_client, agent_api, owner_client, workspace, owner):
    job = ImportJob.objects.create(workspace=workspace, created_by=owner, original_name="a.csv",
                                   status=ImportJob.Status.DONE, rejected_count=1)
    ImportReject.objects.create(job=job, row_number=2, value="6281100000001 Budi", reason="bad")
    assert agent_client.get(f"/contacts/imports/{job.public_id}/rejects.csv").status_code == 403
    assert agent_api.get(f"/api/contacts/imports/{job.public_id}/rejects").status_code == 403
    assert owner_client.get(f"/contacts/imports/{job.public_id}/rejects.csv").status_code == 200
    assert "rejects.csv" not in agent_client.get(f"/contacts/imports/{job.public_id}/").content.decode()


def test_agents_cannot_page_the_recipient_log(agent_client, agent_api, workspace):
    campaign = Campaign.objects.create(workspace=workspace, name="Promo", message_template="Hi")
    Recipient.objects.bulk_create([Recipient(workspace=workspace, campaign=campaign, phone=f"62812{n:08d}")
                                   for n in range(120)])
    page2 = agent_client.get(f"/campaigns/{campaign.pk}/", {"page": 2}).content.decode()
    first = agent_client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert page2 == first or "6281200000119" not in page2  # page 2 is the first screen again
    assert agent_api.get(f"/api/campaigns/{campaign.pk}", {"page": 2}).status_code == 403
    body = agent_api.get(f"/api/campaigns/{campaign.pk}", {"page_size": 500}).json()
    assert len(body["recipients"]["results"]) <= 50 and body["recipients"]["next"] is None
