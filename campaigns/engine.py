"""The paced broadcast engine: each device sends on its own clock, no worker ever sleeps.

How a send happens
1. Every device with work has ONE live chain of `device_send_task(device_id, chain)`: a task that does
   one step and re-arms itself with `apply_async(countdown=...)` for the device's next slot. `chain` is
   a number in the device's `DevicePace` row; a task whose number is stale exits at once, so a
   duplicate (a redelivered message, a kick racing a slow queue) never doubles a device's rate.
   A next step that is due at once (a late device, a zero delay) runs in the same task, up to
   `INLINE_STEPS`, instead of a Celery round trip per message (`run_chain`).
2. A step picks the oldest sending campaign of the device that has PENDING rows and is not held by
   quiet hours, the per-device daily cap or the plan's daily messages, then claims one PENDING row
   with a conditional UPDATE (PENDING → SENDING, works alike on SQLite and MariaDB). Rows are not
   pre-assigned to devices: any connected device of the campaign takes the next one, so when a device
   disconnects the others carry its share, and when it returns the kick brings it back.
3. The step runs `SEBAR_PREP_LEAD_SECONDS` (+ the typing time) before the device's slot: it claims
   the row, asks WAHA whether the number is on WhatsApp (no slot is spent on a number that is not)
   and, with typing simulation on (default), marks the chat seen and starts typing. It then queues
   `recipient_deliver_task` for the slot (a countdown, not a sleep). Delivery claims the slot with a
   conditional UPDATE of `DevicePace.next_send_at` (`<= now` → held), stops typing, sends, then sets
   `next_send_at = max(due + delay, finished + minimum delay)` (a fresh random delay from the
   campaign's range; `due` is when this send's slot opened, so a late worker does not slow the
   device's cadence). The minimum is kept from the end of one send to the start of the next, so two
   sends of one device never arrive closer than the minimum, however many tasks run and however slow
   WAHA answers; the slow preparation is off the clock.
4. Every countdown is capped at `MAX_COUNTDOWN` (15 min), far below Redis' visibility_timeout.

Never twice, never lost
- A row is SENDING from its claim; `attempted_at` is set by a conditional UPDATE right before the
  HTTP call. The reaper (`engine_beat.recipients_reap`) puts SENDING rows never attempted back to PENDING after a
  short lease (their task was lost, nothing was sent) and turns attempted rows older than the lease
  into FAILED "outcome unknown" — they are never re-sent automatically — unless WAHA's `message.any`
  for that text and chat shows the message went out, which marks them SENT (`services.py`).
- Transient WAHA errors (5xx, timeouts, session not WORKING) put the row back to PENDING for any
  healthy device, up to `MAX_ATTEMPTS`; "not on WhatsApp" skips it for good.
- The kick (`engine_beat.engine_kick`, on beat every few seconds) starts a chain for every device that has work
  but no live chain (armed_until passed): this is what makes a flushed Redis or a SIGKILLed worker
  lose nothing. It also completes campaigns that have no PENDING or SENDING rows left.

Fairness: a step is a few queries and one HTTP call, and each device's chain is independent, so one
workspace's 100,000-row campaign occupies its own devices' slots only; another workspace's devices
get their turns from the same queue between them.
"""
import logging
import threading
import time
from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from billing.limits import daily_limit_params, limit_for
from config import queue
from config.db import retry_on_deadlock
from contacts.services import contacts_mark_on_whatsapp
from devices import health, ramp
from devices.health import Brake, send_error_record
from devices.message_ids import new_message_id
from devices.models import Device
from devices.selectors import client_for
from devices.services import device_status_apply
from devices.waha import WahaError, WahaOutcomeUnknown, WahaSessionMissing, WahaSessionNotReady
from devices.waha_ids import chat_id_for_phone
from devices.warm import warm_q

from . import contact_cap, events, pacing, sent_today, slots, windows
from .activity import recipients_changed
from .brakes import BRAKE_POLL_WAIT, brake_now, brake_wait, campaigns_braked
from .claims import claim_recipient, claimable
from .completion import campaigns_complete, recipient_release
from .media import kind_of, waha_file
from .models import Campaign, DevicePace, Recipient
from .pacing import (
    MAX_ATTEMPTS,
    arm_grace_seconds,
    draw_delay,
    min_delay,
    retry_backoff_seconds,
    send_hold_seconds,
    typing_lead,
    typing_seconds,
)
from .reasons import reason

log = logging.getLogger(__name__)

# The engine's tasks by dotted path: tasks.py imports this module at its top (tasks sit above the engine).
STEP_TASK = "campaigns.tasks.device_send_task"
DELIVER_TASK = "campaigns.tasks.recipient_deliver_task"


class NotOnWhatsApp(Exception):
    pass


# A chain's next step that is due at once runs in the task that armed it, up to INLINE_STEPS steps or
# INLINE_SECONDS, instead of a Celery round trip per message (publish, consume, ack); then the chain goes
# back through the queue so the device never keeps a worker thread from the others for long.
INLINE_STEPS = 20
INLINE_SECONDS = 1.0
_inline = threading.local()


def run_chain(device_id, chain, first):
    """Run a chain task's work (`first`, a callable), then the chain's next steps while they are due at once.

    `device_id` may be None (a delivery knows its device only once it read its row): the chain's first
    re-arm names it.
    """
    # eager Celery nests tasks
    outer = getattr(_inline, "chain", None), getattr(_inline, "due", False), getattr(_inline, "burst", None)
    _inline.chain, _inline.due, _inline.burst = (device_id, chain), False, None
    deadline = time.monotonic() + INLINE_SECONDS
    try:
        outcome = first()
        for _step in range(INLINE_STEPS):
            if not _inline.due or time.monotonic() > deadline:
                break
            _inline.due = False
            outcome = device_step(_inline.chain[0], chain)
    finally:
        (device_id, _chain), due = _inline.chain, _inline.due
        _inline.chain, _inline.due, _inline.burst = outer
        if due:
            _queue_step(device_id, chain, 0)  # the budget is spent: the next step waits its turn in the queue
    return outcome


def _arm_step(device_id, chain, countdown):
    running = getattr(_inline, "chain", None)
    if (countdown <= 0 and running is not None and running[1] == chain and running[0] in (None, device_id)
            and not _inline.due):
        _inline.chain, _inline.due = (device_id, chain), True
        return
    _queue_step(device_id, chain, countdown)


def _queue_step(device_id, chain, countdown):
    countdown = pacing.countdown(countdown)
    # No ETA for a step due now: the worker runs it at once instead of parking it on its timer. A step the
    # broker did not take is not lost: the chain's armed_until runs out and the kick starts another.
    queue.enqueue(STEP_TASK, device_id, chain, countdown=countdown or None)


def _arm_deliver(recipient_id, chain, countdown, chat_id=None, slot=None, message_id=None):
    # Not taken by the broker: the row stays SENDING unattempted and the reaper gives it back (never sent twice).
    queue.enqueue(DELIVER_TASK, recipient_id, chain, chat_id, slot, message_id,
                  countdown=pacing.countdown(countdown) or None)


def rearm(device_id, chain, countdown):
    """Queue the chain's next step, and note when it is due so the kick knows the chain is alive."""
    countdown = pacing.countdown(countdown)
    due = timezone.now() + timedelta(seconds=countdown + arm_grace_seconds())
    if DevicePace.objects.filter(device_id=device_id, chain=chain).update(armed_until=due):
        _arm_step(device_id, chain, countdown)


def go_idle(device_id, chain):
    """The device has nothing to do: end its chain. The kick starts a new one when work appears."""
    DevicePace.objects.filter(device_id=device_id, chain=chain).update(armed_until=None)


def start_chain(device_id):
    """Start a chain for the device unless a live one exists; True when this call started it."""
    pace, _created = DevicePace.objects.get_or_create(device_id=device_id)
    now = timezone.now()
    stale = Q(armed_until__isnull=True) | Q(armed_until__lt=now)
    new_chain = pace.chain + 1
    # Conditional on the chain we read, so two kickers racing start one chain, not two.
    won = DevicePace.objects.filter(stale, device_id=device_id, chain=pace.chain).update(
        chain=new_chain, armed_until=now + timedelta(seconds=arm_grace_seconds()))
    if won:
        transaction.on_commit(lambda: _arm_step(device_id, new_chain, 0))
    return bool(won)


def _pending(campaign_ref="pk", device=None):
    rows = Recipient.objects.filter(campaign=OuterRef(campaign_ref), status=Recipient.Status.PENDING)
    # Only rows the device may claim now (an API message's send_at and number: claims.claimable).
    return Exists(rows.filter(claimable(device, timezone.now())) if device is not None else rows)


def campaigns_with_work(device, only=None):
    """The device's sending campaigns with PENDING rows (``only``: rows it may take while braked), oldest first."""
    pending = _pending(device=device) if only is None else Exists(Recipient.objects.filter(
        only, claimable(device, timezone.now()), campaign=OuterRef("pk"), status=Recipient.Status.PENDING))
    return list(Campaign.objects.filter(workspace_id=device.workspace_id, status=Campaign.Status.PROCESSING,
                                        devices=device).filter(pending).order_by("started_at", "pk"))


def devices_due(now=None):
    """Ids of connected broadcast devices that some sending campaign with PENDING rows uses and that have
    no live chain (no pace row yet, or armed_until passed): one statement for the whole fleet, so a kick
    over 1,000 devices whose chains are alive costs one read, not a few queries per device."""
    now = now or timezone.now()
    busy = Campaign.objects.filter(status=Campaign.Status.PROCESSING, devices=OuterRef("pk")).filter(
        _pending(device=OuterRef(OuterRef("pk"))))
    live = DevicePace.objects.filter(device=OuterRef("pk"), armed_until__gte=now)
    return list(Device.objects.filter(status=Device.Status.CONNECTED, is_active_for_broadcast=True)
                .filter(Exists(busy)).exclude(Exists(live)).values_list("pk", flat=True))


def device_can_send(device):
    return device.status == Device.Status.CONNECTED and device.is_active_for_broadcast


# ---------------------------------------------------------------- the step


def _step_reads(device_id, now):
    """(device, its pace, the plan's daily messages) for a step, or (None, None, None) when the device is gone.

    The device comes with its workspace, server, health row, the drops that count for the brake and the
    contact-cap settings in one statement; the plan is read once per step and handed to the delivery when it
    runs in this task. Steps a chain runs inline (``run_chain``, at most INLINE_SECONDS) reuse the first step's
    reads and read only the pace afresh: those change between two sends (the slot, the caps' counters), the
    rest moves on a person's or WhatsApp's time scale, and a delivery checks the brake, the device and the
    campaign again before it sends. That is most of a message's queries when a device works through a backlog.
    """
    burst = getattr(_inline, "burst", None)
    if burst is not None and burst.device.pk == device_id:
        device, limit = burst.device, burst.limit
        pace = DevicePace.objects.filter(device_id=device_id).first()
        if pace is not None:
            device.pace = pace
        return device, pace, limit
    device = health.annotate_brake_flaps(contact_cap.annotate_cap(
        Device.objects.select_related("workspace", "pace", "server", "health")), now).filter(pk=device_id).first()
    pace = getattr(device, "pace", None) if device is not None else None
    if pace is None:
        return device, None, None
    limit = limit_for(device.workspace, "daily_messages")
    if getattr(_inline, "chain", None) is not None:  # inside run_chain: its next steps may reuse these
        _inline.burst = _Burst(device, limit)
    return device, pace, limit


class _Burst:
    """What the steps of one inline run share (``_step_reads``); ``campaigns`` is dropped when a claim finds
    nothing, so a campaign paused, finished or taken by other numbers is read afresh."""

    __slots__ = ("device", "limit", "campaigns")

    def __init__(self, device, limit):
        self.device, self.limit, self.campaigns = device, limit, None


def _step_campaigns(device, only):
    burst = getattr(_inline, "burst", None)
    if burst is None or burst.device.pk != device.pk:
        return campaigns_with_work(device, only)
    if burst.campaigns is None:
        burst.campaigns = campaigns_with_work(device, only)
    return burst.campaigns


def _step_campaigns_stale():
    burst = getattr(_inline, "burst", None)
    if burst is not None:
        burst.campaigns = None


def device_step(device_id, chain):
    """One step of a device's chain (see the module docstring)."""
    # The server too: the WhatsApp check and typing below need its WAHA client (one query fewer per message).
    now = timezone.now()
    device, pace, limit = _step_reads(device_id, now)
    if pace is None or pace.chain != chain:
        return "stale"
    if not device_can_send(device):
        go_idle(device_id, chain)
        return "device_unavailable"
    brake, polling = brake_now(device, now)
    # A braked number takes only rows of contacts who wrote to it (none while paused); the cold ones stay
    # PENDING for the campaign's other numbers, at once.
    only = warm_q(device.pk) if brake.level == Brake.WARM_ONLY else Q(pk__in=[]) if brake.narrows else None
    # Claims only take rows of a sending campaign, so a list an inline run reuses never sends for a paused one.
    campaigns = _step_campaigns(device, only)
    if not campaigns:
        cold = campaigns_with_work(device) if only is not None else []
        if cold:
            # Work it may not do: hold until the brake should lift (or a recheck), and tell the campaigns whose
            # numbers are all braked why they wait.
            campaigns_braked(cold, now)
            rearm(device_id, chain, BRAKE_POLL_WAIT if polling else brake_wait(brake, now))
            return "braked"
        go_idle(device_id, chain)
        campaigns_complete(workspace_id=device.workspace_id)
        return "idle"
    chosen, wait = None, None
    for campaign in campaigns:
        blocked = sent_today.seconds_blocked(campaign, device, pace, now, limit)
        if not blocked:
            chosen = campaign
            break
        wait = blocked if wait is None else min(wait, blocked)
    if chosen is None:
        rearm(device_id, chain, wait)
        return "held"
    if chosen.last_error_code == "braked" and not brake.narrows:
        # A number free to open chats takes the campaign's rows again: it no longer waits for a brake.
        Campaign.objects.filter(pk=chosen.pk, last_error_code="braked").update(last_error_code="",
                                                                               last_error_params={})
        chosen.last_error_code, chosen.last_error_params = "", {}
    lead = typing_lead(chosen)
    if pace.next_send_at and (pace.next_send_at - now).total_seconds() > lead:
        rearm(device_id, chain, (pace.next_send_at - now).total_seconds() - lead)
        return "early"
    recipient = claim_recipient(chosen, device, attempt=False, only=only)
    if recipient is None:
        _step_campaigns_stale()
        rearm(device_id, chain, 0)  # another device took the rows we saw, or the campaign stopped; look again
        return "raced"
    messages, days = contact_cap.cap_of(device)
    if contact_cap.over_cap(recipient, messages, days, now):
        Recipient.objects.filter(pk=recipient.pk, status=Recipient.Status.SENDING).update(
            status=Recipient.Status.SKIPPED, **reason("contact_cap", messages=messages, days=days))
        rearm(device_id, chain, 0)  # no slot was used
        return "skipped"
    # Preparation before the slot: the WhatsApp check and typing, so the send itself is on time.
    try:
        chat_id, message_id = _prepare(device, chosen, recipient)
    except NotOnWhatsApp:
        Recipient.objects.filter(pk=recipient.pk, status=Recipient.Status.SENDING).update(
            status=Recipient.Status.SKIPPED, **reason("not_on_whatsapp"))
        _not_on_whatsapp(recipient)
        rearm(device_id, chain, 0)  # no slot was used
        return "skipped"
    except WahaError as exc:
        return _send_failed(recipient, device, chain, exc)
    typing = typing_seconds(chosen, recipient.text)
    until_slot = (pace.next_send_at - timezone.now()).total_seconds() if pace.next_send_at else 0.0
    wait = max(typing, until_slot)
    slot = pace.next_send_at.timestamp() if pace.next_send_at else None
    if wait > 0.002:
        _arm_deliver(recipient.pk, chain, wait, chat_id, slot, message_id)
        return "prepared"
    return deliver(recipient.pk, chain, chat_id=chat_id, claimed=recipient, slot=slot, message_id=message_id,
                   limit=limit)


def _prepare(device, campaign, recipient):
    """Check the number is on WhatsApp (WAHA's chat id is the one to send to), take a pre-generated
    message id where the engine makes them (devices/message_ids.py), and start typing."""
    client = client_for(device)
    exists, chat_id = client.check_exists(device.session_name, recipient.phone)
    if not exists:
        raise NotOnWhatsApp(recipient.phone)
    chat_id = chat_id or _chat_id(recipient)
    message_id = new_message_id(device)
    if campaign.typing_simulation:
        client.send_seen(device.session_name, chat_id)
        client.start_typing(device.session_name, chat_id)
    return chat_id, message_id


def _chat_id(recipient):
    return chat_id_for_phone(recipient.phone)


def _claim_slot(device, delay, cap, today, hourly=0):
    """Hold the device's slot for this send and take a unit of its daily `cap` and of its hourly package
    (`hourly` sends per hour; 0 = none for either), in one UPDATE; return 0.0 when held, the seconds until
    the slot opens, or the reason code when a cap is used up ("device_cap" today, "hourly_cap" this hour).

    The caps are conditions of the UPDATE, not only of the step's earlier read: a second delivery of the
    device (a duplicate chain) cannot pass them too. A package starts with its first send and lasts an
    hour (windows.HOUR), so a cap of N never lets 2N through around a clock hour's edge.
    """
    now = timezone.now()
    held = slots.slot_update(device.pk, now, now + timedelta(seconds=delay + send_hold_seconds()), cap, today, hourly)
    if held:
        return 0.0
    pace = DevicePace.objects.filter(device_id=device.pk).values_list(
        "next_send_at", "day", "sent_today", "hour_started_at", "sent_this_hour").first()
    if pace is None:
        return 0.001
    next_send_at, day, used, package_start, used_hour = pace
    if cap and day == today and used >= cap:
        return "device_cap"
    if hourly and package_start and package_start > now - windows.HOUR and used_hour >= hourly:
        return "hourly_cap"
    return max(0.001, (next_send_at - now).total_seconds()) if next_send_at else 0.001


_UNREAD = object()


def deliver(recipient_id, chain, *, attempted=False, chat_id=None, claimed=None, slot=None, message_id=None,
            limit=_UNREAD):
    """Send one claimed row through its device, respecting the device's slot.

    `claimed` is the row as the step just claimed it (same task, nothing else can have changed it but
    the reaper, which the attempt mark below guards against); a queued delivery reads it afresh.
    `slot` (epoch seconds) is when this send was due: a busy worker starting it late does not push
    every later send of the device back (see `_slot_done`). `message_id` is the pre-generated id the
    send carries, if the engine makes them: written with the attempt mark, so an answer lost on the way
    back still leaves the row recognisable by its ack or ``message.any``. `limit` is the plan's daily messages as the
    step that ran this delivery in its own task just read them (unset: read here).

    Before the request leaves, the send takes one unit of the plan's daily messages (`sent_today.reserve`)
    and one of the device's daily cap (`_claim_slot`), each by one atomic step, so concurrent devices never
    pass either; both are given back when the row is not sent after all (released, reaped) or the send
    failed in a way that proves it never reached WAHA. A send of unknown outcome keeps them.
    """
    recipient = claimed or (health.annotate_brake_flaps(
        Recipient.objects.select_related("campaign", "device_used__workspace", "device_used__server",
                                         "device_used__health"), outer="device_used_id", field="device_flaps")
                            .filter(pk=recipient_id).first())
    if recipient is None or recipient.status != Recipient.Status.SENDING or recipient.device_used is None:
        return "gone"
    campaign, device = recipient.campaign, recipient.device_used
    if claimed is None:
        device.brake_flaps = recipient.device_flaps
    if campaign.status != Campaign.Status.PROCESSING or not device_can_send(device):
        recipient_release(recipient, why=reason("paused") if campaign.status == Campaign.Status.PAUSED else None)
        _continue(device.pk, chain, 0)
        return "released"
    # The brake as of now, not as of the step that claimed the row: a signal read meanwhile holds this send
    # back (a cold row goes back for the other numbers) or stretches the device's delay.
    brake = health.brake_of(device)
    # (A row the step claimed in this task was claimed under this brake already.)
    warm_ok = brake.level == Brake.WARM_ONLY and (claimed is not None or _is_warm(recipient, device))
    if brake.narrows and not warm_ok:
        recipient_release(recipient)
        _continue(device.pk, chain, 0)  # the step sees the brake and holds or takes a warm row
        return "braked"
    delay = draw_delay(campaign) * brake.pace_factor
    floor = min_delay(campaign) * brake.pace_factor
    started = timezone.now()
    today = windows.local_now(device.workspace, started).date()
    if limit is _UNREAD:
        limit = limit_for(device.workspace, "daily_messages")
    reserved = sent_today.reserve(device.workspace, limit, started)
    if reserved is None:
        # Other devices took today's last units since this one prepared: the row waits, saying why.
        recipient_release(recipient, why=reason("daily_limit", **daily_limit_params(device.workspace, used=limit)))
        _continue(device.pk, chain, 0)  # the step sees the budget used up and holds the device
        return "limit"
    # The campaign's daily cap per number, or the number's warm-up ramp when that is lower (devices.ramp).
    cap, cap_reason = ramp.cap_for(campaign.daily_cap_per_device, device)
    wait = _claim_slot(device, delay, cap, today, campaign.hourly_cap_per_device)
    if wait == "device_cap":
        wait = cap_reason
    if isinstance(wait, str):
        sent_today.give_back(reserved)
        recipient_release(recipient, why=reason(wait))
        _continue(device.pk, chain, 0)  # the step sees the cap and holds the device until it opens
        return "capped"
    if wait:
        sent_today.give_back(reserved)  # taken again when the slot opens
        # Back for when the slot opens, still due at its own slot (or that opening, if later): the run that
        # finally sends makes up its lateness from when the send was due instead of counting from zero.
        due = max(slot or 0.0, started.timestamp() + wait)
        _arm_deliver(recipient.pk, chain, wait, chat_id, due, message_id)
        return "slot_busy"
    late = max(0.0, started.timestamp() - slot) if slot else 0.0
    if not attempted:
        # The last moment a lost task can be told from a send that may have happened.
        won = Recipient.objects.filter(pk=recipient.pk, status=Recipient.Status.SENDING,
                                       attempted_at__isnull=True).update(attempted_at=timezone.now(),
                                                                         waha_short_id=message_id or "")
        if not won:
            sent_today.give_back(reserved)
            slots.cap_give_back(device.pk, today)
            _slot_done(device.pk, chain, 0, rearm_chain=False)
            return "reaped"
    try:
        sent = _send(campaign, device, recipient, chat_id or _chat_id(recipient), message_id)
    except WahaError as exc:
        if not isinstance(exc, WahaOutcomeUnknown):  # WAHA answered, or was never reached: nothing went out
            sent_today.give_back(reserved)
            slots.cap_give_back(device.pk, today)
        _slot_done(device.pk, chain, delay, lead=typing_lead(campaign), rearm_chain=False,
                   started=started, late=late, floor=floor)
        return _send_failed(recipient, device, chain, exc)
    # A reaper that ran during a very slow send may already have said "outcome unknown": we know better.
    in_flight = Q(status=Recipient.Status.SENDING) | Q(status=Recipient.Status.FAILED,
                                                       error_code=Recipient.OUTCOME_UNKNOWN)
    # The message is out: this write must not be lost to a deadlock, or a sent row is reaped as unknown.
    sent_at = timezone.now()
    if retry_on_deadlock(Recipient.objects.filter(in_flight, pk=recipient.pk).update,
                         status=Recipient.Status.SENT, sent_at=sent_at, waha_message_id=sent.id or "",
                         waha_short_id=sent.short_id or message_id or "", error="", error_code="",
                         error_params={}):
        events.message_status([{"pk": recipient.pk, "workspace_id": recipient.workspace_id,
                                "campaign_id": recipient.campaign_id, "phone": recipient.phone, "status": "SENT",
                                "message_key": recipient.message_key,
                                "device_used_id": device.pk, "waha_message_id": sent.id or "", "error_code": ""}])
        recipients_changed(workspace_id=recipient.workspace_id, sent_at=[sent_at])
    _slot_done(device.pk, chain, delay, lead=typing_lead(campaign), started=started, late=late, floor=floor)
    return "sent"


def _is_warm(recipient, device):
    return Recipient.objects.filter(warm_q(device.pk), pk=recipient.pk).exists()


def _send(campaign, device, recipient, chat_id, message_id=None):
    client = client_for(device)
    session = device.session_name
    if campaign.typing_simulation:
        client.stop_typing(session, chat_id)
    media = campaign.media_for(recipient)
    if media:
        file = waha_file(media)
        if kind_of(media.name) == "image":
            return client.send_image(session, chat_id, file=file, caption=recipient.text or None,
                                     message_id=message_id)
        return client.send_file(session, chat_id, file=file, caption=recipient.text or None, message_id=message_id)
    return client.send_text(session, chat_id, recipient.text, message_id=message_id)


def _slot_done(device_id, chain, delay, *, lead=0.0, rearm_chain=True, started=None, late=0.0, floor=0.0):
    """The send is over: set the device's next slot and re-arm the chain for it.

    The device keeps a cadence: the drawn `delay` counts from when this send was due, so neither a slow
    send nor a worker that started it `late` stretches the pace (at most `delay - floor` of lateness is
    made up, so a long hold never turns into a burst). The `floor` (the campaign's minimum delay) is
    kept from the end of this send: at WhatsApp's end two messages of a device are never closer than
    the minimum, whatever the latency.
    """
    now = timezone.now()
    next_at = now + timedelta(seconds=delay)
    if started is not None:
        made_up = min(late, max(0.0, delay - floor))
        next_at = max(started + timedelta(seconds=delay - made_up), now + timedelta(seconds=floor))
    if rearm_chain:
        countdown = pacing.countdown(max(0.0, (next_at - now).total_seconds() - lead))
        due = now + timedelta(seconds=countdown + arm_grace_seconds())
        # The slot and the chain's next step in one UPDATE; a stale chain only moves the slot.
        if DevicePace.objects.filter(device_id=device_id, chain=chain).update(next_send_at=next_at, armed_until=due):
            _arm_step(device_id, chain, countdown)
            return
    DevicePace.objects.filter(device_id=device_id).update(next_send_at=next_at)


def _continue(device_id, chain, countdown):
    rearm(device_id, chain, countdown)


def _send_failed(recipient, device, chain, exc):
    """What a failed send does to its row.

    - The outcome is unknown (the request left; a timeout or a 5xx after it): the row stays SENDING with
      its attempted_at, exactly as after a SIGKILL, for ``message.any`` to mark SENT or the reaper to settle
      as "outcome unknown". Sending it again could message the person twice.
    - The session is gone from WAHA: nothing was sent and nothing is known about the number; the row goes
      back for the other numbers and this device is marked disconnected.
    - Transient (never reached WAHA, session not WORKING yet, WhatsApp's 463 or rate-overlimit, which refuse
      the send): back to PENDING (attempts capped). Every error first goes to ``devices.health``.
    - Anything else: FAILED for good. Only a real check-exists answer (NotOnWhatsApp) marks a number.
    """
    message = str(exc)[:500]
    send_error_record(device=device, exc=exc)  # a 463 or a rate-overlimit moves the number's health
    if isinstance(exc, WahaOutcomeUnknown):
        log.warning("recipient %s on %s: %s; left in flight for message.any / the reaper", recipient.pk,
                    device.session_name, exc)
        rearm(device.pk, chain, retry_backoff_seconds())
        return "unknown"
    if isinstance(exc, WahaSessionMissing):
        recipient_release(recipient, why=reason("will_retry", detail=message))
        device_status_apply(device=device, status="STOPPED", error_code="session_missing")
        return "session_missing"
    if exc.is_transient or isinstance(exc, WahaSessionNotReady):
        if recipient.attempts >= MAX_ATTEMPTS:
            Recipient.objects.filter(pk=recipient.pk, status=Recipient.Status.SENDING).update(
                status=Recipient.Status.FAILED, **reason("waha_unavailable", attempts=recipient.attempts,
                                                         detail=message))
        else:
            recipient_release(recipient, why=reason("will_retry", detail=message))
        # This device backs off; the others keep their own clocks and take the row.
        rearm(device.pk, chain, retry_backoff_seconds())
        return "retry"
    if Recipient.objects.filter(pk=recipient.pk, status=Recipient.Status.SENDING).update(
            status=Recipient.Status.FAILED, **reason("waha_error", detail=message)):
        events.message_status(Recipient.objects.filter(pk=recipient.pk))
    rearm(device.pk, chain, 0)
    return "failed"


def _not_on_whatsapp(recipient):
    """The contact list shows it too, so the owner can clean the list."""
    contacts_mark_on_whatsapp(workspace=recipient.workspace, phones=[recipient.phone], on_whatsapp=False)
