"""What the campaigns app tells common.events (outbound webhooks listen there): a broadcast started or
finished, and a recipient's message sent, delivered, read or failed."""
from common.events import emit

from .models import Campaign, Recipient


def campaign_event(name, campaign_id):
    row = Campaign.objects.filter(pk=campaign_id).values("workspace_id", "public_id", "name", "status",
                                                         "total_recipients").first()
    if row:
        emit(name, workspace_id=row["workspace_id"],
             data={"campaign": {"id": campaign_id, "public_id": str(row["public_id"]), "name": row["name"],
                                "status": row["status"], "total_recipients": row["total_recipients"]}})


def message_status(recipients):
    """`recipients`: a Recipient queryset (or rows) just moved to a new status; one event each."""
    if not isinstance(recipients, list):
        recipients = list(recipients.values("pk", "workspace_id", "campaign_id", "phone", "status",
                                            "device_used_id", "waha_message_id", "error_code", "message_key"))
    for row in recipients:
        # A Send API message is told by the id POST /api/messages answered (its row's message_key).
        api_id = row.get("message_key") or None
        emit("message.status", workspace_id=row["workspace_id"], data={
            "source": "api" if api_id else "campaign", "id": api_id, "recipient": row["pk"],
            "campaign": row["campaign_id"], "phone": row["phone"],
            "status": row["status"].lower(), "device": row["device_used_id"],
            "message_id": row["waha_message_id"], "error_code": row["error_code"]})


__all__ = ["campaign_event", "message_status", "Recipient"]
