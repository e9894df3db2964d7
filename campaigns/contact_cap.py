"""The limit of broadcast messages per contact (Contact settings: at most N in D days, on by default).

Checked by the engine when a device has claimed a row, before the WhatsApp check: the rows' own send
times are the record (every campaign and every run is a Recipient row), so the limit needs no counter that
could drift or be lost with Redis. Replies to a customer's own message are inbox messages and never count.
Two devices sending to one contact at the very same moment could both pass; the limit is a courtesy to
the contact, not a budget, so that rare extra message is accepted rather than a lock per contact.
"""
from datetime import timedelta

from django.db.models import OuterRef, Subquery

from contacts.models import CONTACT_CAP_DEFAULT, ContactSettings

from .models import Campaign, Recipient


def annotate_cap(devices):
    """A Device queryset with the workspace's limit as `cap_messages` / `cap_days` (None: the default), so
    the engine's step reads it with the device, not in a query of its own."""
    settings = ContactSettings.objects.filter(workspace_id=OuterRef("workspace_id"))
    return devices.annotate(cap_messages=Subquery(settings.values("contact_cap_messages")[:1]),
                            cap_days=Subquery(settings.values("contact_cap_days")[:1]))


def cap_of(device):
    messages = getattr(device, "cap_messages", None)
    days = getattr(device, "cap_days", None)
    return (CONTACT_CAP_DEFAULT[0] if messages is None else messages,
            CONTACT_CAP_DEFAULT[1] if days is None else days)


def over_cap(recipient, messages, days, now):
    """Whether `recipient`'s contact already got `messages` broadcast messages in the `days` days to `now`.
    A transactional API message (an order, an OTP) is not a broadcast: the limit does not hold it back."""
    if not messages:
        return False
    # The engine's claimed row carries its campaign (no query).
    if recipient.campaign_id and recipient.campaign.kind == Campaign.Kind.API_TRANSACTIONAL:
        return False
    sent = (Recipient.objects.filter(workspace_id=recipient.workspace_id, phone=recipient.phone,
                                     sent_at__gte=now - timedelta(days=days))
            .exclude(pk=recipient.pk).values("pk")[:messages])
    return len(sent) >= messages
