"""The campaigns' section on a contact's page: which broadcasts reached them and how each went."""
from django.db.models import Q

from .models import Recipient

SHOWN = 10


def contact_campaign_panel(request, contact):
    rows = list(Recipient.objects.for_workspace(request.workspace)
                .filter(Q(contact=contact) | Q(phone=contact.phone)).select_related("campaign")
                .order_by("-pk")[:SHOWN])
    return {"template": "campaigns/_contact_panel.html", "recipients": rows}
