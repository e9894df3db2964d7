"""Warm-up ramps: a new or re-linked number (or any, on demand) sends at most a rising daily cap, one step a day,
and climbs a step only while its health (devices.health's score) stays at or above SEBAR_RAMP_CLIMB_SCORE; below
SEBAR_RAMP_BACK_SCORE it steps back, in between it holds. Past the ramp's last step the number is warm.

The ramp's caps are the plan's (``billing.models.Package.ramp``), read on each evaluation, so an operator's edit
counts from the next day. Today's cap is stored on the number's health row (``DeviceHealth.ramp_cap``), which the
engine reads with the device anyway: the ramp costs the engine no query, and it is a condition of the same slot
UPDATE as a campaign's daily cap per number (``cap_for``), so no worker passes it. A daily beat evaluates each
warming number once per its workspace's local day; the evaluation is a conditional UPDATE on the day it last ran,
so a second beat, or a retried task, changes nothing. How many numbers may warm at once is the plan's
``warming`` limit.
"""
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from billing import limits
from billing.errors import LimitReached
from billing.selectors import current_plan

from .models import DeviceHealth, DeviceHealthEvent

log = logging.getLogger(__name__)


def climb_score() -> int:
    return settings.SEBAR_RAMP_CLIMB_SCORE


def back_score() -> int:
    return settings.SEBAR_RAMP_BACK_SCORE


def _today(workspace, now):
    return now.astimezone(workspace.zone).date()


def ramp_of(workspace) -> list[int]:
    return current_plan(workspace).ramp


def warming_count(workspace) -> int:
    """Numbers of the workspace on a ramp now (the plan's "warming" limit counts these)."""
    return DeviceHealth.objects.for_workspace(workspace).filter(ramp_cap__isnull=False).count()


def ramp_cap_of(device) -> int | None:
    """Today's ramp cap of the device (None: not warming).

    No query when the device came with select_related("health")."""
    try:
        row = device.health
    except DeviceHealth.DoesNotExist:
        return None
    return row.ramp_cap


def cap_for(campaign_cap, device) -> tuple[int, str]:
    """The daily cap the engine applies to the device for a campaign, and the reason code when it is used up:
    the lower of the campaign's daily cap per number (0 = none) and the number's ramp cap."""
    ramp = ramp_cap_of(device)
    if ramp is not None and (not campaign_cap or ramp < campaign_cap):
        return max(ramp, 0), "ramp_cap"
    return campaign_cap or 0, "device_cap"


def _row(device):
    row = DeviceHealth.objects.select_for_update().filter(device_id=device.pk).first()
    if row is None:
        DeviceHealth.objects.get_or_create(device_id=device.pk, defaults={"workspace_id": device.workspace_id})
        row = DeviceHealth.objects.select_for_update().get(device_id=device.pk)
    return row


def _event(row, now, code, **params):
    DeviceHealthEvent.objects.create(workspace_id=row.workspace_id, device_id=row.device_id, at=now,
                                     kind=DeviceHealthEvent.Kind.RAMP, code=code, score=row.score,
                                     previous_score=row.score, changes=[{"code": f"ramp_{code}", "params": params}])


def ramp_start(*, device, now=None, auto=False) -> DeviceHealth | None:
    """Put the number on day 1 of its plan's ramp. On demand (``auto=False``) a plan whose warming numbers are all
    taken raises LimitReached; a number that linked (``auto=True``) then starts without a ramp and its page says
    why. Returns the health row, or None when the plan has no ramp (its daily messages are below the first step)."""
    now = now or timezone.now()
    workspace = device.workspace
    ramp = ramp_of(workspace)
    with transaction.atomic():
        row = _row(device)
        if not ramp:
            return None
        if row.ramp_cap is None:
            try:
                limits.reserve(workspace, "warming")  # holds the workspace's row: two starts never both pass
            except LimitReached as exc:
                if not auto:
                    raise
                row.ramp_note = {"code": "limit", "params": {"limit": exc.limit}}
                row.save(update_fields=["ramp_note", "updated_at"])
                _event(row, now, "limit", limit=exc.limit)
                return row
        row.ramp_day, row.ramp_cap, row.ramp_started_at = 0, ramp[0], now
        row.ramp_evaluated_on = _today(workspace, now)
        row.ramp_note = {"code": "started", "params": {"cap": ramp[0]}}
        row.save(update_fields=["ramp_day", "ramp_cap", "ramp_started_at", "ramp_evaluated_on", "ramp_note",
                                "updated_at"])
        _event(row, now, "started", cap=ramp[0], auto=auto)
    return row


def ramp_stop(*, device, now=None) -> None:
    """The owner ends the number's warm-up: only the campaigns' caps and the plan's limits apply again."""
    now = now or timezone.now()
    with transaction.atomic():
        row = _row(device)
        if row.ramp_cap is None:
            return
        row.ramp_day = row.ramp_cap = None
        row.ramp_note = {"code": "stopped", "params": {}}
        row.save(update_fields=["ramp_day", "ramp_cap", "ramp_note", "updated_at"])
        _event(row, now, "stopped")


def _next(row, ramp):
    """(day, cap, note) after today's evaluation of a warming row."""
    day, score = row.ramp_day or 0, row.score
    params = {"score": score}
    if score >= climb_score():
        day += 1
        if day >= len(ramp):
            return None, None, {"code": "finished", "params": params}
        return day, ramp[day], {"code": "climbed", "params": {**params, "cap": ramp[day]}}
    if score < back_score() and day > 0:
        day -= 1
        return day, ramp[min(day, len(ramp) - 1)], {"code": "stepped_back", "params": {
            **params, "threshold": back_score(), "cap": ramp[min(day, len(ramp) - 1)]}}
    day = min(day, len(ramp) - 1)
    return day, ramp[day], {"code": "held", "params": {**params, "threshold": climb_score(), "cap": ramp[day]}}


def ramp_evaluate(*, row, now=None) -> bool:
    """Today's step of one warming number: climb, hold or step back. True when this call made it (False: it
    already ran today, the number stopped warming, or another worker got there first)."""
    now = now or timezone.now()
    workspace = row.device.workspace
    today = _today(workspace, now)
    if row.ramp_cap is None or (row.ramp_evaluated_on and row.ramp_evaluated_on >= today):
        return False
    ramp = ramp_of(workspace)
    if ramp:
        day, cap, note = _next(row, ramp)
    else:  # the plan no longer has a ramp (its daily messages are below the first step): the number is warm
        day, cap, note = None, None, {"code": "finished", "params": {"score": row.score}}
    with transaction.atomic():
        won = DeviceHealth.objects.filter(pk=row.pk, ramp_evaluated_on=row.ramp_evaluated_on,
                                          ramp_day=row.ramp_day, ramp_cap__isnull=False).update(
            ramp_day=day, ramp_cap=cap, ramp_evaluated_on=today, ramp_note=note, updated_at=now)
        if won:
            row.ramp_day, row.ramp_cap, row.ramp_evaluated_on, row.ramp_note = day, cap, today, note
            _event(row, now, note["code"], **note["params"])
    return bool(won)


def ramp_evaluate_due(*, now=None) -> int:
    """The beat's round: every warming number whose local day moved on since its last evaluation."""
    now = now or timezone.now()
    done = 0
    rows = DeviceHealth.objects.select_related("device__workspace").filter(ramp_cap__isnull=False)
    for row in rows.iterator(chunk_size=200):
        try:
            done += ramp_evaluate(row=row, now=now)
        except Exception:  # one number's trouble must not stop the others' day
            log.exception("ramp evaluation failed for device %s", row.device_id)
    return done


def ramp_status(row: DeviceHealth | None) -> dict | None:
    """What the device page shows: the day of the ramp (1-based), its days, today's cap, the last note."""
    if row is None or (row.ramp_cap is None and not row.ramp_note):
        return None
    ramp = ramp_of(row.device.workspace)
    return {"warming": row.ramp_cap is not None, "day": (row.ramp_day or 0) + 1, "days": len(ramp),
            "cap": row.ramp_cap, "note": row.ramp_note or {}}
