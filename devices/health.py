"""A number's health: WhatsApp's own signals about it, a score 0–100 with its reasons, and their history.

Signals (issue 14), per device:

- WhatsApp's limits from WAHA's ``GET /api/sessions/{s}/me`` (``WahaClient.session_limits``): the capping status
  and quota of the cycle, the reach-out timelock and its end. Absent fields are unknown, never an error.
- Sends WhatsApp refused with 463 (timelock) or ``rate-overlimit`` (``send_error_record``, called by the engine).
- Session drops to FAILED / STOPPED of a linked number (``status_change_record``, from ``device_status_apply``).
- Of the number's campaign sends in the last ``WINDOW``: the share that failed, was not on WhatsApp, was not
  delivered after ``SEBAR_HEALTH_UNDELIVERED_HOURS``, and whose recipient opted out since. Campaigns owns those
  rows, so it registers a provider (``register_send_stats``) from its AppConfig; devices never imports it.

Polling: beat's ``devices_health_poll_task`` runs ``health_poll_due`` every minute; it reads ``/me`` of each
connected number not read for ``SEBAR_HEALTH_POLL_SECONDS`` (one query for the devices, one for the event counts,
one per provider for the send figures), and a limit error asks for one poll at once, at most one per
``SEBAR_HEALTH_ERROR_POLL_SECONDS`` per number.

For the brake (read-only, cheap, no WAHA call): ``device_signals(device)`` or ``devices_signals(ids)`` give a
``DeviceSignals``: ``capping_status``, ``timelock_until``, ``new_chats_blocked_until``, ``flaps_today``, ``score``.

The score starts at 100 and loses ``PENALTIES`` (see ``score_of``); 0 is the floor. Reasons are codes and figures,
worst first, made into words on reading (``health_reasons``).
"""
from __future__ import annotations

import dataclasses
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from config.queue import enqueue_on_commit

from . import waha
from .health_reasons import health_text
from .models import Device, DeviceHealth, DeviceHealthEvent
from .selectors import client_for
from .waha_limits import AccountLimits

log = logging.getLogger(__name__)

POLL_TASK = "devices.tasks.device_health_poll_task"
WINDOW = timedelta(hours=72)  # "recent" campaign sends
DAY = timedelta(hours=24)  # refused sends and session drops count for a day
MIN_SAMPLE = 10  # fewer recent sends than this say nothing about a number
# A 463 without an end from /me: no new chats for this long; the poll it triggers, or the next 463, says more.
TIMELOCK_GUESS = timedelta(hours=1)
FLAP_STATUSES = ("FAILED", "STOPPED")
CAPPING_PENALTY = {"FIRST_WARNING": 25, "SECOND_WARNING": 45, "CAPPED": 70}
PENALTIES = {
    "timelock": 60,
    "timelock_errors": (15, 30),  # per refused send today, at most
    "rate_overlimit": (5, 20),
    "flaps": (10, 30),
    "failed": (1.0, 25),  # per percent of recent sends, at most
    "not_on_whatsapp": (1.0, 20),
    "undelivered": (0.5, 20),
    "opted_out": (2.0, 25),
}


def poll_seconds() -> float:
    return float(settings.SEBAR_HEALTH_POLL_SECONDS)


def error_poll_seconds() -> float:
    return float(settings.SEBAR_HEALTH_ERROR_POLL_SECONDS)


def undelivered_hours() -> float:
    return float(settings.SEBAR_HEALTH_UNDELIVERED_HOURS)


# ---------------------------------------------------------------- what the brake reads


@dataclasses.dataclass(frozen=True)
class DeviceSignals:
    """What is known of a number's standing with WhatsApp. None means unknown (never assessed, or WAHA is silent).

    - ``capping_status``: NONE / FIRST_WARNING / SECOND_WARNING / CAPPED, or None;
    - ``cycle_end``: when the capping cycle (and a CAPPED state) ends, if WAHA said;
    - ``quota_left``: new chats left this cycle (None: unknown or no cap);
    - ``timelock_until``: no new chats before this (WAHA's end, or ``TIMELOCK_GUESS`` after a 463); None: none known;
    - ``flaps_today``: drops to FAILED / STOPPED in the last 24 h;
    - ``score``: 0–100, None before the first assessment.
    """

    device_id: int
    score: int | None = None
    capping_status: str | None = None
    cycle_end: datetime | None = None
    quota_left: int | None = None
    timelock_until: datetime | None = None
    flaps_today: int = 0
    polled_at: datetime | None = None

    def new_chats_blocked_until(self, now=None) -> datetime | None:
        """Until when this number must open no new chat (a timelock, or CAPPED until the cycle ends), else None.
        CAPPED with no known cycle end blocks for a day from now: the safe reading of "capped"."""
        now = now or timezone.now()
        ends = [t for t in (self.timelock_until,) if t and t > now]
        if self.capping_status == "CAPPED":
            ends.append(self.cycle_end if self.cycle_end and self.cycle_end > now else now + DAY)
        return max(ends) if ends else None


def _timelock_until(row: DeviceHealth, now) -> datetime | None:
    if not row.timelock_active:
        return None
    until = row.timelock_ends
    if until is None and row.last_timelock_error_at:
        until = row.last_timelock_error_at + TIMELOCK_GUESS
    return until if until and until > now else None


def _signals(device_id, row, flaps, now) -> DeviceSignals:
    if row is None:
        return DeviceSignals(device_id=device_id, flaps_today=flaps)
    left = None
    if row.capping_total_quota is not None and row.capping_total_quota >= 0 and row.capping_used_quota is not None:
        left = max(0, row.capping_total_quota - row.capping_used_quota)
    return DeviceSignals(device_id=device_id, score=row.score, capping_status=row.capping_status or None,
                         cycle_end=row.capping_cycle_end, quota_left=left, timelock_until=_timelock_until(row, now),
                         flaps_today=flaps, polled_at=row.last_polled_at)


def devices_signals(device_ids) -> dict[int, DeviceSignals]:
    """``DeviceSignals`` for several numbers in two queries (the engine's step may ask per device, or in bulk)."""
    ids = list(device_ids)
    now = timezone.now()
    rows = {row.device_id: row for row in DeviceHealth.objects.filter(device_id__in=ids)}
    flaps = _event_counts(ids, now).get("flaps", {})
    return {pk: _signals(pk, rows.get(pk), flaps.get(pk, 0), now) for pk in ids}


def device_signals(device) -> DeviceSignals:
    """The signals of one number (a ``Device`` or its id)."""
    pk = getattr(device, "pk", device)
    return devices_signals([pk])[pk]


# ---------------------------------------------------------------- the brake


class Brake:
    """Levels of the brake the engine applies to a number, mildest first."""

    NONE = ""
    SLOW = "slow"  # FIRST_WARNING: the number's delays are doubled
    WARM_ONLY = "warm_only"  # SECOND_WARNING, CAPPED, a timelock: only contacts who wrote to it; no new chat
    PAUSED = "paused"  # a flapping session: no broadcasts until the owner resumes it or the drops age out


@dataclasses.dataclass(frozen=True)
class BrakeState:
    """``level`` (a ``Brake``), ``code`` (why: first_warning, second_warning, capped, timelock, flapping) and
    ``until`` (when it should lift by itself; None: unknown, looked at again on the next poll or recheck)."""

    level: str = Brake.NONE
    code: str = ""
    until: datetime | None = None

    @property
    def pace_factor(self) -> float:
        return 2.0 if self.level == Brake.SLOW else 1.0

    @property
    def narrows(self) -> bool:
        """The number may not open new chats (it sends to warm contacts only, or not at all)."""
        return self.level in (Brake.WARM_ONLY, Brake.PAUSED)


NO_BRAKE = BrakeState()


def brake_flaps() -> int:
    return int(settings.SEBAR_BRAKE_FLAPS)


def _brake_flaps_filter(now, device_ref="device"):
    """Session drops of the last day that count for the brake: those after the owner's last resume."""
    resumed = f"{device_ref}__health__brake_resumed_at"
    return (Q(kind=DeviceHealthEvent.Kind.STATUS, at__gte=now - DAY)
            & (Q(**{f"{resumed}__isnull": True}) | Q(at__gt=F(resumed))))


def annotate_brake_flaps(queryset, now=None, field="brake_flaps", outer="pk"):
    """Annotate each device of ``queryset`` (or a row pointing at one, ``outer`` its key) with its session drops
    that count for the brake, as a subquery of the same statement: the engine reads a number's brake with it."""
    now = now or timezone.now()
    drops = (DeviceHealthEvent.objects.filter(_brake_flaps_filter(now), device_id=OuterRef(outer))
             .order_by().values("device_id").annotate(n=Count("pk")).values("n"))
    return queryset.annotate(**{field: Coalesce(Subquery(drops, output_field=IntegerField()), 0)})


def _flaps_pause_until(device_id, threshold, now) -> datetime | None:
    """When the drops that pause a number fall below the threshold (the threshold-th newest is a day old)."""
    times = list(DeviceHealthEvent.objects.filter(_brake_flaps_filter(now), device_id=device_id)
                 .order_by("-at").values_list("at", flat=True)[:threshold])
    return times[-1] + DAY if len(times) == threshold else None


def brake_from(row: DeviceHealth | None, flaps: int, now=None) -> BrakeState:
    """The brake for a number with this health row and these drops (``annotate_brake_flaps``), strongest first:
    a flapping session pauses; CAPPED or a timelock (until the cycle or the timelock ends) and SECOND_WARNING
    allow only contacts who wrote to the number; FIRST_WARNING halves its pace. No row: unknown, no brake."""
    now = now or timezone.now()
    threshold = brake_flaps()
    if threshold and flaps >= threshold and row is not None:
        return BrakeState(Brake.PAUSED, "flapping", _flaps_pause_until(row.device_id, threshold, now))
    if row is None:
        return NO_BRAKE
    signals = _signals(row.device_id, row, flaps, now)
    blocked = signals.new_chats_blocked_until(now)
    if blocked:
        timelocked = signals.timelock_until and signals.timelock_until >= blocked
        return BrakeState(Brake.WARM_ONLY, "timelock" if timelocked else "capped", blocked)
    cycle_end = row.capping_cycle_end if row.capping_cycle_end and row.capping_cycle_end > now else None
    if row.capping_status == "SECOND_WARNING":
        return BrakeState(Brake.WARM_ONLY, "second_warning", cycle_end)
    if row.capping_status == "FIRST_WARNING":
        return BrakeState(Brake.SLOW, "first_warning", cycle_end)
    return NO_BRAKE


def brake_of(device, now=None) -> BrakeState:
    """The brake of a device read with ``select_related("health")`` and ``annotate_brake_flaps`` (no query unless
    it is paused); a device read without them costs a query or two."""
    flaps = getattr(device, "brake_flaps", None)
    if flaps is None:
        flaps = annotate_brake_flaps(Device.objects.filter(pk=device.pk)).values_list("brake_flaps", flat=True)[0]
    return brake_from(device_health_of(device), flaps, now)


def devices_brakes(devices, now=None) -> dict[int, BrakeState]:
    """{device id: BrakeState} for several devices (ids or ``Device``s) in one query."""
    now = now or timezone.now()
    ids = [getattr(d, "pk", d) for d in devices]
    rows = annotate_brake_flaps(Device.objects.filter(pk__in=ids).select_related("health"), now)
    return {device.pk: brake_from(device_health_of(device), device.brake_flaps, now) for device in rows}


def _until_moved(before, after) -> bool:
    # A brake's expected end read afresh each step (CAPPED with no known cycle end: a day from now) is written
    # again only when it moved by minutes, not on every step.
    if before is None or after is None:
        return before is not after
    return abs((after - before).total_seconds()) > 300


def brake_record(*, device, state: BrakeState, now=None) -> bool:
    """Store the brake the engine now applies; an event only when it changed (one conditional UPDATE decides,
    so two workers seeing the same change log it once). True when this call recorded a change."""
    now = now or timezone.now()
    row = device_health_of(device)
    if row is None:
        if state == NO_BRAKE:
            return False
        row, _created = DeviceHealth.objects.get_or_create(device_id=device.pk,
                                                           defaults={"workspace_id": device.workspace_id})
    before = (row.brake, row.brake_code)
    if before == (state.level, state.code) and not _until_moved(row.brake_until, state.until):
        return False
    changed = DeviceHealth.objects.filter(pk=row.pk, brake=row.brake, brake_code=row.brake_code).update(
        brake=state.level, brake_code=state.code, brake_until=state.until)
    row.brake, row.brake_code, row.brake_until = state.level, state.code, state.until
    if not changed or before == (state.level, state.code):
        return False  # another worker recorded it, or only the expected end moved
    until = state.until.isoformat() if state.until else ""
    change = ({"code": "brake_off", "params": {"was": before[1]}} if state.level == Brake.NONE
              else {"code": "brake_on", "params": {"level": state.level, "why": state.code, "until": until}})
    DeviceHealthEvent.objects.create(workspace_id=device.workspace_id, device_id=device.pk, at=now,
                                     kind=DeviceHealthEvent.Kind.BRAKE, code=state.code or "released",
                                     score=row.score, previous_score=row.score, changes=[change])
    return True


def brake_resume(*, device, now=None) -> None:
    """The owner resumes a number paused for session drops: the drops so far no longer count for the brake."""
    now = now or timezone.now()
    DeviceHealth.objects.get_or_create(device_id=device.pk, defaults={"workspace_id": device.workspace_id})
    DeviceHealth.objects.filter(device_id=device.pk).update(brake_resumed_at=now)
    device = Device.objects.select_related("health").get(pk=device.pk)
    brake_record(device=device, state=brake_of(device, now), now=now)


# ---------------------------------------------------------------- campaign figures, from above


@dataclasses.dataclass
class SendStats:
    """A number's recent campaign sends: ``attempts`` counts every send that got an answer (sent, failed or not on
    WhatsApp); ``sent`` those WhatsApp took; ``undelivered`` sent ones with no delivery after the hours."""

    attempts: int = 0
    sent: int = 0
    failed: int = 0
    not_on_whatsapp: int = 0
    undelivered: int = 0
    opted_out: int = 0

    def add(self, other: SendStats) -> None:
        for field in dataclasses.fields(self):
            setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))


_STATS_PROVIDERS = []


def register_send_stats(provider) -> None:
    """``provider(device_ids, *, since, undelivered_before) -> {device_id: SendStats}``; campaigns registers one."""
    if provider not in _STATS_PROVIDERS:
        _STATS_PROVIDERS.append(provider)


def _send_stats(ids, now) -> dict[int, SendStats]:
    totals = {pk: SendStats() for pk in ids}
    before = now - timedelta(hours=undelivered_hours())
    for provider in _STATS_PROVIDERS:
        for pk, stats in provider(ids, since=now - WINDOW, undelivered_before=before).items():
            if pk in totals:
                totals[pk].add(stats)
    return totals


def _event_counts(ids, now) -> dict[str, dict[int, int]]:
    """{"flaps"|"timelock_errors"|"rate_overlimit": {device_id: count}} over the last day, in one query."""
    counts = {"flaps": {}, "timelock_errors": {}, "rate_overlimit": {}}
    rows = (DeviceHealthEvent.objects.filter(device_id__in=ids, at__gte=now - DAY)
            .filter(Q(kind=DeviceHealthEvent.Kind.STATUS) | Q(kind=DeviceHealthEvent.Kind.SEND_ERROR))
            .values("device_id", "kind", "code").annotate(n=Count("pk")))
    for row in rows:
        if row["kind"] == DeviceHealthEvent.Kind.STATUS:
            key = "flaps"
        else:
            key = "timelock_errors" if row["code"] == "timelock" else "rate_overlimit"
        counts[key][row["device_id"]] = counts[key].get(row["device_id"], 0) + row["n"]
    return counts


# ---------------------------------------------------------------- the score


def _counted(code, count):
    per, most = PENALTIES[code]
    return min(most, per * count)


def _share(code, part, whole):
    per, most = PENALTIES[code]
    percent = round(100.0 * part / whole, 1)
    return percent, min(most, round(per * percent))


def score_of(row: DeviceHealth, counts: dict, stats: SendStats | None, now=None):
    """(score, reasons) for a health row, the day's event counts of its device and its recent send figures."""
    now = now or timezone.now()
    pk = row.device_id
    reasons = []
    penalty = CAPPING_PENALTY.get(row.capping_status)
    if penalty:
        params = {}
        if row.capping_total_quota is not None and row.capping_used_quota is not None:
            params = {"used": row.capping_used_quota, "total": row.capping_total_quota}
        reasons.append({"code": f"capping_{row.capping_status.lower()}", "params": params, "penalty": penalty})
    until = _timelock_until(row, now)
    if until:
        reasons.append({"code": "timelock", "params": {"until": until.isoformat() if row.timelock_ends else ""},
                        "penalty": PENALTIES["timelock"]})
    for code in ("timelock_errors", "rate_overlimit", "flaps"):
        count = counts.get(code, {}).get(pk, 0)
        if code == "timelock_errors" and until:
            continue  # the timelock itself already says it
        if count:
            reasons.append({"code": code, "params": {"count": count}, "penalty": _counted(code, count)})
    if stats and stats.attempts >= MIN_SAMPLE:
        for code, part, whole in (("failed", stats.failed, stats.attempts),
                                  ("not_on_whatsapp", stats.not_on_whatsapp, stats.attempts),
                                  ("undelivered", stats.undelivered, stats.sent),
                                  ("opted_out", stats.opted_out, stats.sent)):
            if not part or not whole:
                continue
            percent, penalty = _share(code, part, whole)
            params = {"percent": percent}
            if code == "undelivered":
                params["hours"] = int(undelivered_hours())
            reasons.append({"code": code, "params": params, "penalty": penalty})
    reasons.sort(key=lambda r: -r["penalty"])
    return max(0, 100 - sum(r["penalty"] for r in reasons)), reasons


def device_health_of(device) -> DeviceHealth | None:
    """The device's health row, or None before its first assessment (select_related("health") avoids a query)."""
    try:
        return device.health
    except DeviceHealth.DoesNotExist:
        return None


def timelock_until_of(row: DeviceHealth | None, now=None) -> datetime | None:
    """When the known reach-out timelock ends (None: none known), for pages and the API."""
    return None if row is None else _timelock_until(row, now or timezone.now())


def health_summary(row: DeviceHealth | None) -> str:
    """"62: capping first warning; 4 % not on WhatsApp" in the active language ("" before any assessment)."""
    return "" if row is None else health_text(row.score, row.reasons)


# ---------------------------------------------------------------- writes


def _row_locked(device) -> DeviceHealth:
    """The device's health row, locked for this transaction; created on first use."""
    row = DeviceHealth.objects.select_for_update().filter(device_id=device.pk).first()
    if row is None:
        DeviceHealth.objects.get_or_create(device_id=device.pk, defaults={"workspace_id": device.workspace_id})
        row = DeviceHealth.objects.select_for_update().get(device_id=device.pk)
    return row


def _rescore(row, *, counts, stats, now, kind, code="", changes=()):
    """Recompute and save the row; an event when something changed."""
    previous = row.score
    row.score, row.reasons = score_of(row, counts, stats, now)
    row.save()
    if changes or row.score != previous:
        DeviceHealthEvent.objects.create(workspace_id=row.workspace_id, device_id=row.device_id, at=now, kind=kind,
                                         code=code, score=row.score, previous_score=previous, changes=list(changes))
    return row


def _limits_changes(row, limits: AccountLimits, now) -> list[dict]:
    """Apply what /me said to the row; return what changed. Absent parts: capping becomes unknown, while a
    timelock a 463 revealed stays until /me says otherwise."""
    changes = []
    status = limits.capping_status or ""
    if status != row.capping_status:
        changes.append({"code": "capping", "params": {"before": row.capping_status, "after": status}})
    row.capping_status = status
    row.capping_total_quota = limits.total_quota if limits.capping_known else None
    row.capping_used_quota = limits.used_quota if limits.capping_known else None
    row.capping_cycle_end = limits.cycle_end if limits.capping_known else None
    if limits.timelock_known:
        active = bool(limits.timelock_active) and (limits.timelock_ends is None or limits.timelock_ends > now)
        if active and not _timelock_until(row, now):
            changes.append({"code": "timelock_on",
                            "params": {"until": limits.timelock_ends.isoformat() if limits.timelock_ends else ""}})
        elif not active and _timelock_until(row, now):
            changes.append({"code": "timelock_off", "params": {}})
        row.timelock_active = active
        row.timelock_ends = limits.timelock_ends if active else None
    elif row.timelock_active and not _timelock_until(row, now):
        row.timelock_active, row.timelock_ends = None, None  # a guessed timelock that ran out
    return changes


def limits_apply(*, device, limits: AccountLimits | None, now=None, counts=None, stats=None) -> DeviceHealth:
    """Store a poll's result (None: the session is not authenticated, nothing known) and rescore."""
    now = now or timezone.now()
    counts = counts if counts is not None else _event_counts([device.pk], now)
    stats = stats if stats is not None else _send_stats([device.pk], now)
    with transaction.atomic():
        row = _row_locked(device)
        row.last_polled_at = now
        changes = _limits_changes(row, limits, now) if limits is not None else []
        return _rescore(row, counts=counts, stats=stats.get(device.pk), now=now, kind=DeviceHealthEvent.Kind.POLL,
                        changes=changes)


def health_poll(*, device, now=None, counts=None, stats=None) -> DeviceHealth | None:
    """Read one number's limits from WAHA and store them. A WAHA failure is logged and changes nothing but the
    poll time (the next round tries again); it is never raised, since callers are beat and the engine's hook."""
    now = now or timezone.now()
    try:
        limits = client_for(device).session_limits(device.session_name)
    except waha.WahaError as exc:
        log.info("health poll of %s: %s", device.session_name, exc)
        DeviceHealth.objects.filter(device_id=device.pk).update(last_polled_at=now)
        return None
    return limits_apply(device=device, limits=limits, now=now, counts=counts, stats=stats)


def health_poll_due(*, now=None, limit=200) -> int:
    """One beat round: poll every connected number whose last read is older than SEBAR_HEALTH_POLL_SECONDS,
    least recently read first, at most ``limit``. Returns how many were polled. Safe to run twice: a number
    just read is not due."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=poll_seconds())
    due = (Device.objects.filter(status=Device.Status.CONNECTED)
           .filter(Q(health__last_polled_at__isnull=True) | Q(health__last_polled_at__lt=cutoff))
           .select_related("server").order_by(F("health__last_polled_at").asc(nulls_first=True), "pk"))
    devices = list(due[:limit])
    if not devices:
        return 0
    ids = [d.pk for d in devices]
    counts, stats = _event_counts(ids, now), _send_stats(ids, now)
    for device in devices:
        health_poll(device=device, now=now, counts=counts, stats=stats)
    return len(devices)


def health_rescore(*, device, now=None) -> DeviceHealth:
    """Recompute a number's score from what is stored (no WAHA call), e.g. after its campaign figures moved."""
    now = now or timezone.now()
    counts, stats = _event_counts([device.pk], now), _send_stats([device.pk], now)
    with transaction.atomic():
        row = _row_locked(device)
        return _rescore(row, counts=counts, stats=stats.get(device.pk), now=now, kind=DeviceHealthEvent.Kind.RESCORE)


def _record(device, *, kind, code, changes, now, update=None) -> DeviceHealth:
    """An event that counts (a refused send, a drop), then the score it leaves."""
    with transaction.atomic():
        row = _row_locked(device)
        if update:
            update(row)
        event = DeviceHealthEvent.objects.create(workspace_id=device.workspace_id, device_id=device.pk, at=now,
                                                 kind=kind, code=code, score=row.score, previous_score=row.score,
                                                 changes=changes)
        counts, stats = _event_counts([device.pk], now), _send_stats([device.pk], now)
        row.score, row.reasons = score_of(row, counts, stats.get(device.pk), now)
        row.save()
        DeviceHealthEvent.objects.filter(pk=event.pk).update(score=row.score)
    return row


def send_error_record(*, device, exc) -> str | None:
    """The engine's one call for a failed WAHA call of a send: records a 463 or a rate-overlimit (anything else is
    ignored) and asks for a poll of /me (rate-limited). Returns the signal recorded, or None."""
    signal = getattr(exc, "signal", None)
    if signal not in ("timelock", "rate_overlimit"):
        return None
    now = timezone.now()

    def update(row):
        if signal == "timelock":
            row.last_timelock_error_at = now
            if not row.timelock_active:
                row.timelock_active, row.timelock_ends = True, None

    _record(device, kind=DeviceHealthEvent.Kind.SEND_ERROR, code=signal, now=now, update=update,
            changes=[{"code": "send_refused", "params": {"signal": signal}}])
    health_poll_soon(device=device, now=now)
    return signal


def health_poll_soon(*, device, now=None) -> bool:
    """Queue one poll of this number's /me, unless one was asked within SEBAR_HEALTH_ERROR_POLL_SECONDS: a burst
    of errors costs one WAHA call. The claim is a conditional UPDATE, so two workers cannot both queue it."""
    now = now or timezone.now()
    recent = now - timedelta(seconds=error_poll_seconds())
    DeviceHealth.objects.get_or_create(device_id=device.pk, defaults={"workspace_id": device.workspace_id})
    claimed = DeviceHealth.objects.filter(Q(error_poll_at__isnull=True) | Q(error_poll_at__lt=recent),
                                          device_id=device.pk).update(error_poll_at=now)
    if claimed:
        enqueue_on_commit(POLL_TASK, device.pk)
    return bool(claimed)


def status_change_record(*, device, status, previous) -> DeviceHealth | None:
    """A linked number's session dropped to FAILED or STOPPED (from any other status): one flap."""
    if status not in FLAP_STATUSES or status == previous or not device.phone_number:
        return None
    return _record(device, kind=DeviceHealthEvent.Kind.STATUS, code=status, now=timezone.now(),
                   changes=[{"code": "session", "params": {"status": status}}])
