"""Workspace A's campaign objects for the tenant walk (tests/test_tenant_isolation.py)."""
from campaigns.models import ApiMessage, Campaign, Recipient
from tests.url_walk import MARKER


def build(workspace, owner):
    from contacts.models import Contact

    contact = Contact.objects.create(workspace=workspace, phone="6281299990000", name=f"{MARKER} contact")
    campaign = Campaign.objects.create(workspace=workspace, name=f"{MARKER} campaign",
                                       message_template=f"Hi {MARKER}", target_tags=["VIP"],
                                       status=Campaign.Status.PROCESSING, delay_min=5, delay_max=10)
    Recipient.objects.create(workspace=workspace, campaign=campaign, contact=contact, phone=contact.phone,
                             name=f"{MARKER} recipient", text=f"Hi {MARKER}")
    api = Campaign.objects.create(workspace=workspace, name=f"{MARKER} api", kind=Campaign.Kind.API,
                                  message_template="", status=Campaign.Status.PROCESSING)
    message = ApiMessage(workspace=workspace, request_hash="x")
    message.recipient = Recipient.objects.create(workspace=workspace, campaign=api, contact=contact,
                                                 phone=contact.phone, text=f"Hi {MARKER} by API",
                                                 message_key=str(message.public_id))
    message.save()
    return {"campaign_id": campaign.pk, "message_id": message.public_id}


PUBLIC = {}
