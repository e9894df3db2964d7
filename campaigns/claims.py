"""Claiming a campaign's next recipient for a device: the one write that decides which number sends to whom.

A claimed row is SENDING with its device; only one claimer can win a row, on every database (see
`claim_recipient`). The engine (`campaigns/engine.py`) claims; the reaper (`engine_beat.py`) frees rows
whose claim was lost.

A row of the Send API (campaigns/api_messages.py) may say when and by whom it goes: it is not claimable before its
`send_at`, and until its `prefer_until` (for ever when empty) only its `prefer_device` claims it. A broadcast's rows
leave all three empty, so `claimable` holds for every one of them; the engine's reads of "has work" use the same
condition (`claimable`), so a device never wakes for a row it may not take.
"""
import random

from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from .models import Campaign, Recipient


def claim_recipient(campaign, device, *, attempt, batch=8, only=None):
    """Claim one PENDING row of the campaign for the device, or None when others took them all. ``only`` (a Q)
    narrows the rows: a braked number claims only recipients who wrote to it (``devices.warm``), so the cold
    ones stay PENDING for the campaign's other numbers.

    Where the database has SKIP LOCKED (MariaDB 10.6+), the oldest row no other claimer holds is locked and
    claimed: many devices of one campaign never queue behind each other's row locks. Elsewhere (SQLite,
    which serialises writers anyway) a conditional UPDATE per candidate, candidates shuffled so devices of
    one campaign rarely collide.
    """
    now = timezone.now()
    claim = {"status": Recipient.Status.SENDING, "device_used": device, "claimed_at": now,
             "attempted_at": now if attempt else None, "attempts": F("attempts") + 1}
    if connection.features.has_select_for_update_skip_locked:
        row = _claim_skip_locked(campaign, claim, only, device)
    else:
        row = _claim_first_free(campaign, claim, batch, only, device)
    if row is not None:
        # What the UPDATE wrote, without reading the row back.
        row.status, row.device_used, row.campaign = Recipient.Status.SENDING, device, campaign
        row.claimed_at, row.attempted_at, row.attempts = now, now if attempt else None, row.attempts + 1
    return row


def claimable(device, now):
    """Rows `device` (a Device, its pk or an OuterRef to one) may claim at `now`: due, and its own or anyone's."""
    due = Q(send_at__isnull=True) | Q(send_at__lte=now)
    mine = Q(prefer_device__isnull=True) | Q(prefer_device=device) | Q(prefer_until__lt=now)
    return due & mine


def _pending(campaign, only, device=None):
    # Only while the campaign is sending: a step may hold a list of campaigns read earlier in its run (a subquery,
    # not a join, so SKIP LOCKED's FOR UPDATE locks the recipient rows only, never the campaign's).
    sending = Exists(Campaign.objects.filter(pk=OuterRef("campaign_id"), status=Campaign.Status.PROCESSING))
    rows = Recipient.objects.filter(sending, campaign=campaign, status=Recipient.Status.PENDING)
    if device is not None:
        rows = rows.filter(claimable(device, timezone.now()))
    return rows.filter(only) if only is not None else rows


def _claim_skip_locked(campaign, claim, only, device):
    with transaction.atomic():
        row = _pending(campaign, only, device).select_for_update(skip_locked=True).order_by("pk").first()
        if row is not None:
            Recipient.objects.filter(pk=row.pk).update(**claim)
    return row


def _claim_first_free(campaign, claim, batch, only, device):
    candidates = list(_pending(campaign, only, device).order_by("pk")[:batch])
    random.shuffle(candidates)
    for row in candidates:
        if Recipient.objects.filter(pk=row.pk, status=Recipient.Status.PENDING).update(**claim):
            return row
    return None
