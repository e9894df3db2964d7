"""Workspace A's campaign objects for the tenant walk (tests/test_tenant_isolation.py)."""
from campaigns.models import Campaign, Recipient
from tests.url_walk import MARKER


def build(workspace, owner):
    from contacts.models import Contact

    contact = Contact.objects.create(workspace=workspace, phone="6281299990000", name=f"{MARKER} contact")
    campaign = Campaign.objects.create(workspace=workspace, name=f"{MARKER} campaign",
                                       message_template=f"Hi {MARKER}", target_tags=["VIP"],
                                       status=Campaign.Status.PROCESSING, delay_min=5, delay_max=10)
    Recipient.objects.create(workspace=workspace, campaign=campaign, contact=contact, phone=contact.phone,
                             name=f"{MARKER} recipient", text=f"Hi {MARKER}")
    return {"campaign_id": campaign.pk}


PUBLIC = {}
