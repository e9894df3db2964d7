"""Every write of the campaigns app: create and start, the frozen audience, pause / resume / cancel,
and the WAHA webhook handlers (acks, our own sends seen through `message.any`, replies).

Status changes are conditional UPDATEs (`filter(status=...).update(...)`), so a scheduled campaign
starts exactly once however many beats or API calls race, and a late webhook never downgrades a row.
"""
import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.email_address import broadcast_check
from common import spintax
from config import queue
from config.db import retry_on_deadlock
from config.errors import UserError
from contacts.selectors import audience, contact_variables
from devices.selectors import broadcast_devices
from devices.waha_ids import parse_message_id, phone_of_chat_id, short_id_of

from . import engine, events
from .activity import recipients_changed
from .errors import CampaignStateError
from .models import HOURLY_CAP_DEFAULT, Campaign, Recipient
from .reasons import reason

log = logging.getLogger(__name__)
LAUNCH_TASK = "campaigns.tasks.campaign_launch_task"  # by path: tasks.py imports this module at its top
FREEZE_BATCH = 2000


# ---------------------------------------------------------------- create and start


def campaign_create(*, workspace, actor, name, message, tags, exclude_tags=(), devices=None, media=None,
                    delay_min=None, delay_max=None, typing_simulation=True, daily_cap_per_device=0,
                    hourly_cap_per_device=HOURLY_CAP_DEFAULT, quiet_start=None, quiet_end=None, schedule=None,
                    draft=False):
    """Create a campaign and start it now or at `schedule` (an aware datetime); returns the campaign.

    With `draft` it is only saved, as a DRAFT: no audience is frozen, nothing is queued or sent, and the
    checks a start needs wait for `campaign_start_draft`.
    """
    _message_check(message)
    now = timezone.now()
    campaign = Campaign(
        workspace=workspace, created_by=actor, name=name.strip() or _("Untitled campaign"),
        message_template=message, target_tags=list(tags or []), exclude_tags=list(exclude_tags or []),
        media=media or "", typing_simulation=typing_simulation, daily_cap_per_device=daily_cap_per_device or 0,
        hourly_cap_per_device=hourly_cap_per_device or 0, quiet_start=quiet_start, quiet_end=quiet_end,
        status=Campaign.Status.SCHEDULED, scheduled_at=schedule or now)
    if delay_min is not None:
        campaign.delay_min = delay_min
    if delay_max is not None:
        campaign.delay_max = delay_max
    if draft:
        campaign.status, campaign.scheduled_at = Campaign.Status.DRAFT, schedule
        return _draft_store(campaign, devices)
    _start_check(campaign, devices, schedule, now)
    campaign.full_clean()
    if campaign.scheduled_at <= now:
        queue.require()  # a start refused now saves nothing, so the client's retry cannot make a second one
    with transaction.atomic():
        campaign.save()
        if devices:
            campaign.devices.set(devices)
        if campaign.scheduled_at <= now:
            transaction.on_commit(lambda: _launch_later(campaign.pk))
    return campaign


def _message_check(message):
    try:
        spintax.validate(message)
    except spintax.SpintaxError as exc:
        raise UserError(exc.message, code="spintax_error",
                        fields={"message": exc.message, "position": exc.position}) from exc


def _start_check(campaign, devices, schedule, now):
    """What a campaign must have to start: a confirmed owner's address when the operator requires one, a time
    not in the past, a number to send from, an audience."""
    broadcast_check(campaign.workspace)
    if schedule is not None and schedule < now - timedelta(minutes=1):
        raise UserError(_("The schedule is in the past. Pick a later time, or leave it empty to send now."),
                        fields={"schedule": _("in the past")})
    if not devices and not broadcast_devices(campaign.workspace).exists():
        raise UserError(_("No connected device is switched on for broadcasts. Connect a device under Devices "
                          "first."), code="no_devices")
    if audience_count(campaign.workspace, campaign.target_tags, campaign.exclude_tags) == 0:
        raise UserError(_("No contacts match these tags (after exclusions and opt-outs). Pick other tags."),
                        code="empty_audience", fields={"tags": _("no contacts match")})


def _draft_store(campaign, devices):
    campaign.full_clean()
    with transaction.atomic():
        campaign.save()
        campaign.devices.set(devices or [])
    return campaign


_DRAFT_FIELDS = {"name": "name", "message": "message_template", "tags": "target_tags", "exclude_tags": "exclude_tags",
                 "delay_min": "delay_min", "delay_max": "delay_max", "typing_simulation": "typing_simulation",
                 "daily_cap_per_device": "daily_cap_per_device", "hourly_cap_per_device": "hourly_cap_per_device",
                 "quiet_start": "quiet_start",
                 "quiet_end": "quiet_end", "schedule": "scheduled_at"}


def campaign_draft_save(*, campaign, devices=None, media=None, **fields):
    """Change a DRAFT (the composer's Edit): the keywords of `campaign_create`. `media` None keeps the
    attachment, False removes it, a file replaces it."""
    if campaign.status != Campaign.Status.DRAFT:
        raise CampaignStateError(_("Only a draft can be changed; this one is %(status)s.")
                                 % {"status": campaign.get_status_display()})
    _message_check(fields["message"])
    for key, value in fields.items():
        setattr(campaign, _DRAFT_FIELDS[key], value)
    campaign.name = campaign.name.strip() or _("Untitled campaign")
    campaign.target_tags, campaign.exclude_tags = list(campaign.target_tags or []), list(campaign.exclude_tags or [])
    campaign.daily_cap_per_device = campaign.daily_cap_per_device or 0
    campaign.hourly_cap_per_device = campaign.hourly_cap_per_device or 0
    if media is False:
        campaign.media = ""
    elif media:
        campaign.media = media
    return _draft_store(campaign, devices)


def campaign_start_draft(*, campaign):
    """Start a DRAFT as `campaign_create` starts a campaign: the same checks, then SCHEDULED for its time
    (now when it has none) and launched by the same path once due."""
    now = timezone.now()
    if campaign.status != Campaign.Status.DRAFT:
        raise CampaignStateError(_("Only a draft can be started; this one is %(status)s.")
                                 % {"status": campaign.get_status_display()})
    _start_check(campaign, list(campaign.devices.all()), campaign.scheduled_at, now)
    if campaign.scheduled_at is None or campaign.scheduled_at <= now:
        queue.require()  # refused now, it stays a draft: starting it again later cannot send twice
    with transaction.atomic():
        if not _transition(campaign, [Campaign.Status.DRAFT], status=Campaign.Status.SCHEDULED,
                           scheduled_at=campaign.scheduled_at or now, updated_at=now):
            raise CampaignStateError(_("Only a draft can be started; this one is %(status)s.")
                                     % {"status": campaign.get_status_display()})
        if campaign.scheduled_at <= now:
            transaction.on_commit(lambda: _launch_later(campaign.pk))
    return campaign


def _launch_later(campaign_id):
    """Start a due campaign at once. Only a shortcut: the row is SCHEDULED and due, so the beat's
    ``campaigns_start_due`` starts it anyway when this message is lost (the launch runs once either way)."""
    queue.enqueue(LAUNCH_TASK, campaign_id)


def audience_count(workspace, tags, exclude_tags=()):
    return audience(workspace, tags=list(tags), exclude_tags=list(exclude_tags)).count()


def campaign_launch(*, campaign_id):
    """Start a due SCHEDULED campaign exactly once: freeze its audience, then wake its devices.

    The audience is written in chunks (``recipients_freeze``); a launch cut off mid-way (worker killed, task
    retried, or the beat finding the freeze stalled) carries on from the campaign's cursor, and every step
    after it is safe to run twice. Returns the campaign, or None when there was nothing to start or resume.
    """
    now = timezone.now()
    with transaction.atomic():
        won = Campaign.objects.filter(pk=campaign_id, status=Campaign.Status.SCHEDULED,
                                      scheduled_at__lte=now).update(status=Campaign.Status.PROCESSING,
                                                                    started_at=now, freeze_cursor=0, updated_at=now)
        campaign = Campaign.objects.select_related("workspace").filter(pk=campaign_id).first()
        if won and not campaign.devices.exists():
            campaign.devices.set(broadcast_devices(campaign.workspace))
    if campaign is None or (not won and campaign.freeze_cursor is None):
        return None
    total = recipients_freeze(campaign=campaign)
    Campaign.objects.filter(pk=campaign.pk).update(total_recipients=total)
    if won:
        events.campaign_event("campaign.started", campaign.pk)
    for device_id in campaign.devices.values_list("pk", flat=True):
        engine.start_chain(device_id)
    if total == 0:
        if Campaign.objects.filter(pk=campaign.pk, status=Campaign.Status.PROCESSING).update(
                status=Campaign.Status.COMPLETED, finished_at=timezone.now(),
                last_error_code="empty_audience", last_error=""):
            events.campaign_event("campaign.completed", campaign.pk)
    return campaign


def recipients_freeze(*, campaign):
    """Write one PENDING row per phone of the audience from the campaign's cursor on; returns how many rows
    the campaign has.

    Each chunk of FREEZE_BATCH contacts is its own short transaction under the campaign's row lock, which
    also moves ``freeze_cursor`` (the last contact written; None once done): a 100k-contact audience never
    holds SQLite's one writer lock for the whole freeze, two runners never write the same chunk, and a
    cancel waits for the chunk in flight (its PENDING rows are then skipped with the rest). Rows are unique
    per contact and per phone, so rewriting a chunk whose commit was not recorded adds nothing.
    """
    contacts = (audience(campaign.workspace, tags=campaign.target_tags, exclude_tags=campaign.exclude_tags)
                .order_by("pk"))
    writing = [Campaign.Status.PROCESSING, Campaign.Status.PAUSED]
    while True:
        with transaction.atomic():
            cursor = (Campaign.objects.select_for_update().filter(pk=campaign.pk, status__in=writing)
                      .values_list("freeze_cursor", flat=True).first())
            if cursor is None:
                break  # done (perhaps by another runner) or cancelled
            chunk = list(contacts.filter(pk__gt=cursor)[:FREEZE_BATCH])
            if chunk:
                Recipient.objects.bulk_create([
                    Recipient(workspace_id=campaign.workspace_id, campaign=campaign, contact=contact,
                              phone=contact.phone, name=contact.name[:200],
                              text=spintax.render(campaign.message_template, contact_variables(contact)))
                    for contact in chunk], ignore_conflicts=True)
            Campaign.objects.filter(pk=campaign.pk).update(freeze_cursor=chunk[-1].pk if chunk else None,
                                                           updated_at=timezone.now())
        if not chunk:
            break
    campaign.freeze_cursor = None
    return Recipient.objects.filter(campaign=campaign).count()


FREEZE_STALLED = timedelta(minutes=2)


def campaigns_start_due(now=None):
    """Launch every SCHEDULED campaign whose time has come, and resume freezes that stalled (their worker
    died); beat calls this. Returns the started or resumed ids."""
    now = now or timezone.now()
    due = list(Campaign.objects.filter(status=Campaign.Status.SCHEDULED, scheduled_at__lte=now)
               .values_list("pk", flat=True)[:100])
    stalled = list(Campaign.objects.filter(status=Campaign.Status.PROCESSING, freeze_cursor__isnull=False,
                                           updated_at__lt=now - FREEZE_STALLED).values_list("pk", flat=True)[:100])
    return [pk for pk in due + stalled if campaign_launch(campaign_id=pk)]


# ---------------------------------------------------------------- pause, resume, cancel


def _transition(campaign, from_statuses, **changes):
    won = Campaign.objects.filter(pk=campaign.pk, status__in=from_statuses).update(**changes)
    campaign.refresh_from_db()
    return won


def campaign_pause(*, campaign):
    if not _transition(campaign, [Campaign.Status.PROCESSING, Campaign.Status.SCHEDULED],
                       status=Campaign.Status.PAUSED):
        raise CampaignStateError(_("Only a sending or scheduled campaign can be paused; this one is %(status)s.")
                                 % {"status": campaign.get_status_display()})
    return campaign


def campaign_resume(*, campaign):
    """A person's Resume (the page and the API); refused while the queue is down, before anything changes."""
    # Billing paused it because the plan lapsed: only a payment brings it back (billing's resume hook
    # clears the mark first), else a Free workspace could go on broadcasting by pressing Resume.
    if Campaign.objects.filter(pk=campaign.pk, paused_by_billing=True).exists():
        raise CampaignStateError(_("This campaign was paused because your plan lapsed. Renew under Billing and "
                                   "it resumes by itself."), code="paused_by_billing", status_code=402)
    if campaign.started_at or campaign.scheduled_at <= timezone.now():  # it queues work now
        queue.require()
    return _resume(campaign)


def _resume(campaign):
    # A campaign paused before it started goes back to waiting for its time. Both ways are swept by the beat
    # (the engine's kick, campaigns_start_due) if the queue message below is lost.
    target = Campaign.Status.PROCESSING if campaign.started_at else Campaign.Status.SCHEDULED
    if not _transition(campaign, [Campaign.Status.PAUSED], status=target):
        raise CampaignStateError(_("Only a paused campaign can be resumed; this one is %(status)s.")
                                 % {"status": campaign.get_status_display()})
    if target == Campaign.Status.PROCESSING:
        for device_id in campaign.devices.values_list("pk", flat=True):
            engine.start_chain(device_id)
    elif campaign.scheduled_at <= timezone.now():
        transaction.on_commit(lambda: _launch_later(campaign.pk))
    return campaign


def campaign_cancel(*, campaign):
    """Stop for good: rows not yet sent become SKIPPED "cancelled"; rows in flight finish their send."""
    return retry_on_deadlock(_cancel, campaign)


def _cancel(campaign):
    with transaction.atomic():
        if not _transition(campaign, list(Campaign.ACTIVE), status=Campaign.Status.CANCELLED,
                           finished_at=timezone.now()):
            raise CampaignStateError(_("This campaign is already %(status)s.")
                                     % {"status": campaign.get_status_display()})
        Recipient.objects.filter(campaign=campaign, status=Recipient.Status.PENDING).update(
            status=Recipient.Status.SKIPPED, **reason("cancelled"))
    return campaign


def campaigns_pause_for_billing(*, workspace, plan):
    """billing's pause hook: the plan lapsed, so sending and scheduled campaigns pause (and are marked)."""
    return Campaign.objects.for_workspace(workspace).filter(
        status__in=[Campaign.Status.PROCESSING, Campaign.Status.SCHEDULED]).update(
        status=Campaign.Status.PAUSED, paused_by_billing=True,
        last_error_code="plan_lapsed", last_error="")


def campaigns_resume_for_billing(*, workspace, plan):
    """billing's resume hook: campaigns billing paused (and only those) carry on."""
    resumed = 0
    for campaign in Campaign.objects.for_workspace(workspace).filter(status=Campaign.Status.PAUSED,
                                                                     paused_by_billing=True):
        Campaign.objects.filter(pk=campaign.pk).update(paused_by_billing=False, last_error="", last_error_code="")
        _resume(campaign)  # never refused: a payment is not undone because the queue is down
        resumed += 1
    return resumed


# ---------------------------------------------------------------- WAHA webhooks (devices/dispatch.py)


def _in_flight():
    """A row whose send left and whose answer never came: still SENDING after its attempt, or settled by
    the reaper as "outcome unknown". Only WhatsApp's own word about the message may move it on."""
    return Q(status=Recipient.Status.SENDING, attempted_at__isnull=False) | Q(
        status=Recipient.Status.FAILED, error_code=Recipient.OUTCOME_UNKNOWN)


def recipient_ack_apply(*, device, event):
    """message.ack: DELIVERED for DEVICE(2), READ for READ(3)/PLAYED(4); never downgrades a row.

    An ack of SERVER(1) or more for a row still in flight proves its send went out: the row held its
    pre-generated id (devices/message_ids.py) before the answer was lost, and is SENT first."""
    payload = event.get("payload") or {}
    try:
        short_id = short_id_of(payload.get("id") or payload)
    except ValueError:
        return 0
    ack = payload.get("ack")
    if not short_id or not isinstance(ack, int):
        return 0
    settled, changed = _ack_rows_apply(workspace_id=device.workspace_id, short_id=short_id, ack=ack)
    if settled or changed:
        # An ack counts in the day of its send: that day's figures moved (analytics recounts it).
        recipients_changed(workspace_id=device.workspace_id, sent_at=list(
            Recipient.objects.filter(workspace_id=device.workspace_id, waha_short_id=short_id)
            .values_list("sent_at", flat=True)[:10]))
    return settled if ack == 1 else changed


def _ack_rows_apply(*, workspace_id, short_id, ack):
    """(rows settled as SENT, rows moved by the ack itself), each change told to common.events."""
    now = timezone.now()
    rows = Recipient.objects.filter(workspace_id=workspace_id, waha_short_id=short_id)
    settled = 0
    if ack >= 1:
        settled = rows.filter(_in_flight()).update(status=Recipient.Status.SENT, sent_at=now, error="",
                                                   error_code="", error_params={})
        if settled:
            events.message_status(rows.filter(status=Recipient.Status.SENT))
    changed = 0
    if ack == 1:
        return settled, 0
    if ack == 2:
        changed = rows.filter(status=Recipient.Status.SENT).update(status=Recipient.Status.DELIVERED,
                                                                   delivered_at=now)
        new_status = Recipient.Status.DELIVERED
    elif ack in (3, 4):
        changed = rows.filter(status__in=[Recipient.Status.SENT, Recipient.Status.DELIVERED]).update(
            status=Recipient.Status.READ, read_at=now, delivered_at=Coalesce("delivered_at", now))
        new_status = Recipient.Status.READ
    elif ack == -1:
        changed = rows.filter(status=Recipient.Status.SENT).update(
            status=Recipient.Status.FAILED, **reason("waha_ack_error"))
        new_status = Recipient.Status.FAILED
    if changed:  # only a real change is told (a repeated ack moves nothing)
        events.message_status(rows.filter(status=new_status))
    return settled, changed


def _chat_phones(payload):
    chats = []
    try:
        chats.append(parse_message_id(payload.get("id") or "")[1])
    except ValueError:
        pass
    chats += [payload.get("to"), payload.get("from")]
    return [p for p in (phone_of_chat_id(c) for c in chats if c) if p]


def recipient_sent_seen(*, device, event):
    """message.any for our own send: a row the worker died on (SENDING, or FAILED "outcome unknown")
    whose message went out is SENT after all.

    Matched on what proves it is that person's row: the message id, when the row already holds it (a
    pre-generated id, or one seen before), or else device, text and the chat's phone. A chat named only by
    its @lid (no phone in the event) matches on the id alone: the same text went to every person of the
    campaign, so text and device would settle another person's row as sent.
    """
    payload = event.get("payload") or {}
    if not payload.get("fromMe"):
        return 0
    try:
        short_id = short_id_of(payload.get("id")) or ""
    except ValueError:
        short_id = ""
    settled = _in_flight()
    mine = Recipient.objects.filter(settled, workspace_id=device.workspace_id)
    row = mine.filter(waha_short_id=short_id).order_by("pk").first() if short_id else None
    phones = [p for p in _chat_phones(payload) if p != (device.phone_number or "")]
    if row is None and phones and payload.get("body"):
        row = mine.filter(device_used=device, text=payload["body"], phone__in=phones).order_by("pk").first()
    if row is None:
        return 0
    sent_at = row.sent_at or timezone.now()
    changed = Recipient.objects.filter(settled, pk=row.pk).update(
        status=Recipient.Status.SENT, sent_at=sent_at, waha_message_id=payload.get("id") or "",
        waha_short_id=short_id, error="", error_code="", error_params={})
    if changed:
        recipients_changed(workspace_id=device.workspace_id, sent_at=[sent_at])
    return changed


REPLY_WINDOW_DAYS = 7


def recipient_reply_apply(*, device, event):
    """message (incoming): the sender's latest campaign message in the last week counts as replied."""
    payload = event.get("payload") or {}
    if payload.get("fromMe"):
        return 0
    phone = phone_of_chat_id(payload.get("from"))
    if not phone:
        return 0
    since = timezone.now() - timedelta(days=REPLY_WINDOW_DAYS)
    row = (Recipient.objects.filter(workspace_id=device.workspace_id, phone=phone, sent_at__gte=since,
                                    replied_at__isnull=True).order_by("-sent_at").first())
    if row is None:
        return 0
    changed = Recipient.objects.filter(pk=row.pk, replied_at__isnull=True).update(replied_at=timezone.now())
    if changed:
        recipients_changed(workspace_id=device.workspace_id, sent_at=[row.sent_at])
    return changed
