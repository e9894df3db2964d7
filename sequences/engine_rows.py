"""A sequence's hidden campaign: the campaigns engine claims, paces, caps and acks its rows like a broadcast's
(one sending path, as the Send API does in campaigns/api_messages.py). Made on first use, under the sequence's
row lock so two beat runs make one."""
from django.db import transaction
from django.utils import timezone

from campaigns.api_messages import API_QUIET_HOURS
from campaigns.models import Campaign, Recipient
from campaigns.reasons import reason
from devices.selectors import broadcast_devices

from .models import Sequence


def sequence_campaign(sequence):
    """The sequence's hidden campaign (kind SEQUENCE), sending unless billing paused it."""
    campaign = Campaign.objects.filter(pk=sequence.campaign_id).first() if sequence.campaign_id else None
    if campaign is None:
        with transaction.atomic():
            locked = Sequence.objects.select_for_update().get(pk=sequence.pk)
            campaign = Campaign.objects.filter(pk=locked.campaign_id).first() if locked.campaign_id else None
            if campaign is None:
                workspace = sequence.workspace
                campaign = Campaign.objects.create(
                    workspace=workspace, kind=Campaign.Kind.SEQUENCE, name=f"{sequence.name}"[:120],
                    message_template="", status=Campaign.Status.PROCESSING,
                    quiet_start=API_QUIET_HOURS[0], quiet_end=API_QUIET_HOURS[1],
                    # As old as the workspace, like the API's: a follow-up due now goes ahead of a long
                    # broadcast's next row instead of waiting for the whole broadcast (oldest campaign first).
                    started_at=workspace.created_at, scheduled_at=workspace.created_at)
                Sequence.objects.filter(pk=sequence.pk).update(campaign=campaign)
            sequence.campaign = campaign
    if campaign.status in (Campaign.Status.COMPLETED, Campaign.Status.CANCELLED) and not sequence.is_archived:
        Campaign.objects.filter(pk=campaign.pk, status=campaign.status).update(status=Campaign.Status.PROCESSING)
        campaign.status = Campaign.Status.PROCESSING
    return campaign


def campaign_devices_sync(campaign):
    """Every connected sending number of the workspace may carry the sequence's rows; returns their ids."""
    ids = list(broadcast_devices(campaign.workspace).values_list("pk", flat=True))
    if ids:
        campaign.devices.add(*ids)
    return ids


def recipient_for(*, campaign, contact, text, key):
    return Recipient.objects.create(workspace_id=campaign.workspace_id, campaign=campaign, contact=contact,
                                    phone=contact.phone, name=contact.name[:200], text=text, message_key=key,
                                    send_at=None)


def recipients_withdraw(recipient_ids):
    """Rows not claimed yet are not sent: the contact left before the engine got to them."""
    return Recipient.objects.filter(pk__in=list(recipient_ids), status=Recipient.Status.PENDING).update(
        status=Recipient.Status.SKIPPED, **reason("sequence_left"))


def campaign_close(campaign):
    """An archived sequence's campaign ends: its unsent rows are withdrawn, nothing more is claimed."""
    if campaign is None:
        return
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.CANCELLED, finished_at=timezone.now())
    Recipient.objects.filter(campaign=campaign, status=Recipient.Status.PENDING).update(
        status=Recipient.Status.SKIPPED, **reason("sequence_left"))
