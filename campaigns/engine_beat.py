"""The engine's periodic work, run by beat on the "engine" queue: the kick that restarts chains Redis lost
and completes finished campaigns, and the reaper that settles rows a dead worker left in SENDING (see
campaigns/engine.py for the chains themselves)."""
from datetime import timedelta

from django.utils import timezone

from config.db import retry_on_deadlock

from .completion import campaigns_complete
from .engine import devices_due, start_chain
from .models import Campaign, Recipient
from .pacing import lease_seconds, unattempted_lease_seconds
from .reasons import reason


def engine_kick():
    """Start a chain for every device that has work and no live chain; complete finished campaigns."""
    started = sum(start_chain(device_id) for device_id in devices_due())
    campaigns_complete()
    return started


REAP_BATCH = 1000


def recipients_reap(now=None):
    """Settle rows stuck in SENDING (their task or worker died); see campaigns/engine.py.

    The stuck rows are found by a plain read and then updated by primary key, with the same conditions:
    an UPDATE that scanned the status index would lock index entries before rows, the opposite order
    of the senders' single-row UPDATEs, and MariaDB would roll one of them back as a deadlock.
    """
    now = now or timezone.now()
    sending = Recipient.objects.filter(status=Recipient.Status.SENDING)
    lost = sending.filter(attempted_at__isnull=True,
                          claimed_at__lt=now - timedelta(seconds=unattempted_lease_seconds()))
    stuck = sending.filter(attempted_at__lt=now - timedelta(seconds=lease_seconds()))
    back = unknown = 0
    if pks := list(lost.values_list("pk", flat=True)[:REAP_BATCH]):
        cancelled = lost.filter(pk__in=pks, campaign__status=Campaign.Status.CANCELLED)
        retry_on_deadlock(cancelled.update, status=Recipient.Status.SKIPPED, **reason("cancelled"))
        back = retry_on_deadlock(lost.filter(pk__in=pks).update, status=Recipient.Status.PENDING,
                                 device_used=None, claimed_at=None)
    if pks := list(stuck.values_list("pk", flat=True)[:REAP_BATCH]):
        unknown = retry_on_deadlock(
            stuck.filter(pk__in=pks).update, status=Recipient.Status.FAILED, **reason(Recipient.OUTCOME_UNKNOWN))
    return back, unknown
