"""Marks of the days whose figures moved, written as events happen and read by the roll-up (rollup.py).

A mark is one upsert of (workspace, day): cheap beside the event that caused it, and the same mark however
many events of that day arrive. The day is the workspace's, so a send at 23:50 in Jakarta and its read at 00:10
mark the same day, the day of the send.

Sends mark their day once per ``MARK_HOLD`` seconds at most (a Redis key per workspace, day and slice of the
clock says it was just marked): the roll-up removes a mark only when it is older than its CLOCK_SKEW and after
recounting from the rows, so a send skipped within the slice of a mark is in the recount that removes that mark.
The hold is well below the skew.
"""
import time

from django.utils import timezone

from accounts.models import Workspace
from config.redis import get_redis, key

from .models import DirtyDay, rows_upsert

_ZONE_SECONDS = 300
MARK_HOLD = 20  # seconds; must stay well below rollup.CLOCK_SKEW (a test holds it there)
_zones = {}  # workspace id -> (zone, read at): one query per workspace every few minutes, not per ack


def workspace_zone(workspace_id):
    cached = _zones.get(workspace_id)
    if cached and time.monotonic() - cached[1] < _ZONE_SECONDS:
        return cached[0]
    workspace = Workspace.objects.filter(pk=workspace_id).only("time_zone").first()
    zone = workspace.zone if workspace else timezone.get_default_timezone()
    _zones[workspace_id] = (zone, time.monotonic())
    return zone


def days_mark(pairs, *, now=None):
    """Mark each (workspace id, day) for a recount; a repeated mark refreshes ``marked_at``."""
    now = now or timezone.now()
    rows = [DirtyDay(workspace_id=ws, day=day, marked_at=now) for ws, day in sorted(set(pairs))]
    if rows:
        rows_upsert(DirtyDay, rows, unique_fields=["workspace", "day"], update_fields=["marked_at"])


def recipients_changed(*, workspace_id, sent_at):
    """campaigns' listener (campaigns/activity.py): the days of these sends changed."""
    zone = workspace_zone(workspace_id)
    days = {when.astimezone(zone).date() for when in sent_at}
    # The hold is a slice of this process' clock, not Redis' expiry: the reasoning above is in the clock that
    # stamps marked_at (and tests that travel in time see a new slice).
    held = int(timezone.now().timestamp() // MARK_HOLD)
    redis = get_redis()
    fresh = [day for day in sorted(days)
             if redis.set(key("analytics", "marked", workspace_id, day, held), 1, nx=True, ex=2 * MARK_HOLD)]
    days_mark((workspace_id, day) for day in fresh)
