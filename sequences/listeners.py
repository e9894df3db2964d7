"""What sequences hear from the apps below (common.events, sent once the writing transaction committed): a reply
(`message.received` in a direct chat) and an opt-out. Business logic stays in services."""
from contacts.models import Contact

from . import services
from .models import Enrolment


def event_received(sender, *, name, workspace_id, data, **kwargs):
    if name == "message.received":
        chat = data.get("chat") or {}
        if chat.get("kind") != "direct" or not chat.get("phone"):
            return
        contact_id = (Contact.objects.filter(workspace_id=workspace_id, phone=chat["phone"])
                      .values_list("pk", flat=True).first())
        if contact_id is not None:
            services.contact_replied(workspace_id=workspace_id, contact_id=contact_id)
    elif name == "contact.opted_out":
        contact_id = (data.get("contact") or {}).get("id")
        if contact_id:
            services.contact_left_all(workspace_id=workspace_id, contact_id=contact_id,
                                      reason=Enrolment.Left.OPTED_OUT)
