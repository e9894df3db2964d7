"""Times on pages, in exports and in the API are the workspace's wall clock (Asia/Jakarta here), with the
offset where a machine reads them; the zone never outlives its request."""
import datetime

import pytest
from django.utils import timezone

from campaigns.models import Campaign, Recipient
from contacts.models import Contact

pytestmark = pytest.mark.django_db
AT = datetime.datetime(2026, 6, 1, 2, 0, tzinfo=datetime.UTC)  # 09:00 in Jakarta


@pytest.fixture
def jakarta(workspace):
    workspace.time_zone = "Asia/Jakarta"
    workspace.save()
    return workspace


@pytest.fixture
def campaign(jakarta):
    campaign = Campaign.objects.create(workspace=jakarta, name="Pagi", message_template="Hi",
                                       status=Campaign.Status.SCHEDULED, scheduled_at=AT)
    Recipient.objects.create(workspace=jakarta, campaign=campaign, phone="6281", name="Ani", status="SENT",
                             sent_at=AT)
    return campaign


def test_pages_show_the_workspace_wall_clock(owner_client, campaign):
    body = owner_client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert "09:00" in body and "02:00" not in body
    assert "09:00" in owner_client.get("/campaigns/").content.decode()
    # The thread goes back to the server's zone: the next request (maybe another workspace's) starts clean.
    assert timezone.get_current_timezone_name() == "UTC"


def test_campaign_csv_times_carry_the_workspace_offset(owner_client, owner_api, campaign):
    for client, url in ((owner_client, f"/campaigns/{campaign.pk}/recipients.csv"),
                        (owner_api, f"/api/campaigns/{campaign.pk}/recipients.csv")):
        csv = b"".join(client.get(url).streaming_content).decode()
        assert "2026-06-01T09:00:00+07:00" in csv


def test_contact_export_times_carry_the_workspace_offset(owner_client, jakarta):
    contact = Contact.objects.create(workspace=jakarta, phone="6281200000001", name="Ani")
    Contact.objects.filter(pk=contact.pk).update(created_at=AT)
    csv = b"".join(owner_client.get("/contacts/export/").streaming_content).decode()
    assert "2026-06-01T09:00:00+07:00" in csv


def test_api_times_carry_the_workspace_offset(owner_api, campaign):
    body = owner_api.get(f"/api/campaigns/{campaign.pk}").json()
    text = str(body)
    assert "2026-06-01T09:00:00+07:00" in text
    assert timezone.get_current_timezone_name() == "UTC"
