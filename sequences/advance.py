"""The beat's work: enrolments whose next step is due become rows of the sequence's hidden campaign.

Safe to run twice, at the same moment or after any crash: each enrolment is locked while it moves, and its
StepSend (unique per enrolment × step) is written in the same transaction as the engine's Recipient row, so a
second run finds the step done and sends nothing. Nothing sleeps: the due moment is `Enrolment.next_due_at`
(indexed with the status), read by the next beat run.
"""
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from campaigns import engine
from common import spintax
from contacts.selectors import contact_variables

from . import engine_rows
from .models import Enrolment, Sequence, SequenceStep, StepSend
from .schedule import due_after

log = logging.getLogger(__name__)

BATCH = 500


def live_steps(sequence):
    return SequenceStep.objects.filter(sequence=sequence, deleted_at__isnull=True).order_by("order", "pk")


def next_step(enrolment):
    """The first live step after the enrolment's position that it has not handled (a deleted step is skipped)."""
    done = StepSend.objects.filter(enrolment=enrolment).values("step_id")
    return live_steps(enrolment.sequence).filter(order__gt=enrolment.position).exclude(pk__in=done).first()


def _previous_send(enrolment):
    return (StepSend.objects.filter(enrolment=enrolment, outcome=StepSend.Outcome.QUEUED)
            .select_related("recipient").order_by("-created_at", "-pk").first())


def condition_met(enrolment, step):
    """Whether `step` goes out: always, or only without a reply (not read) since the previous step sent."""
    if step.condition == SequenceStep.Condition.ALWAYS:
        return True
    previous = _previous_send(enrolment)
    if previous is None:
        return True  # the first message: nothing to have replied to or read
    row = previous.recipient
    if step.condition == SequenceStep.Condition.NOT_REPLIED:
        replied = (enrolment.last_reply_at is not None and enrolment.last_reply_at >= previous.created_at) or (
            row is not None and row.replied_at is not None)
        return not replied
    return row is None or row.read_at is None


def sequences_advance(now=None, batch=BATCH):
    """Move every due enrolment one step (up to `batch`); returns how many steps were queued."""
    now = now or timezone.now()
    due = list(Enrolment.objects.filter(status=Enrolment.Status.ACTIVE, next_due_at__lte=now,
                                        sequence__status=Sequence.Status.ACTIVE)
               .order_by("next_due_at").values_list("pk", flat=True)[:batch])
    campaigns, queued = {}, 0
    for pk in due:
        try:
            queued += enrolment_advance(pk, now=now, campaigns=campaigns)
        except Exception:  # noqa: BLE001 - one broken enrolment must not hold the others; it is retried next run
            log.exception("Sequence enrolment %s did not advance", pk)
    for device_ids in {tuple(ids) for _campaign, ids in campaigns.values()}:
        for device_id in device_ids:
            engine.start_chain(device_id)  # due now: wake the numbers (the engine's kick would, a little later)
    return queued


def _campaign(sequence, campaigns):
    if sequence.pk not in campaigns:
        campaign = engine_rows.sequence_campaign(sequence)
        campaigns[sequence.pk] = (campaign, engine_rows.campaign_devices_sync(campaign))
    return campaigns[sequence.pk][0]


def enrolment_advance(enrolment_id, *, now, campaigns=None):
    """Handle the due step of one enrolment; 1 when a message was queued, else 0."""
    campaigns = {} if campaigns is None else campaigns
    with transaction.atomic():
        enrolment = (Enrolment.objects.select_for_update().select_related("sequence__workspace", "contact")
                     .filter(pk=enrolment_id, status=Enrolment.Status.ACTIVE, next_due_at__lte=now).first())
        if enrolment is None:
            return 0  # another run moved it, or it left
        if enrolment.contact.opted_out:
            enrolment_end(enrolment, status=Enrolment.Status.LEFT, reason=Enrolment.Left.OPTED_OUT, now=now)
            return 0
        step = next_step(enrolment)
        if step is None:
            enrolment_end(enrolment, status=Enrolment.Status.COMPLETED, now=now)
            return 0
        sent = condition_met(enrolment, step)
        try:
            with transaction.atomic():
                send = StepSend.objects.create(
                    workspace_id=enrolment.workspace_id, enrolment=enrolment, step=step,
                    outcome=StepSend.Outcome.QUEUED if sent else StepSend.Outcome.SKIPPED)
                if sent:
                    contact = enrolment.contact
                    send.recipient = engine_rows.recipient_for(
                        campaign=_campaign(enrolment.sequence, campaigns), contact=contact,
                        text=spintax.render(step.text, contact_variables(contact)), key=str(send.public_id))
                    send.save(update_fields=["recipient"])
        except IntegrityError:
            log.info("Step %s of enrolment %s was already handled", step.pk, enrolment.pk)
            sent = False
        enrolment.current_step, enrolment.position = step, step.order
        if sent:
            enrolment.last_step_at = now
        following = next_step(enrolment)
        if following is None:
            enrolment_end(enrolment, status=Enrolment.Status.COMPLETED, now=now)
        else:
            enrolment.next_due_at = due_after(enrolment.sequence, following, now)
            enrolment.save(update_fields=["current_step", "position", "last_step_at", "next_due_at"])
    return int(sent)


def enrolment_end(enrolment, *, status, reason="", now=None):
    """The enrolment is over (completed, or left and why); its unsent rows are withdrawn when it left."""
    enrolment.status, enrolment.left_reason = status, reason
    enrolment.ended_at, enrolment.next_due_at = now or timezone.now(), None
    enrolment.save(update_fields=["status", "left_reason", "ended_at", "next_due_at", "current_step", "position",
                                  "last_step_at"])
    if status == Enrolment.Status.LEFT:
        engine_rows.recipients_withdraw(StepSend.objects.filter(enrolment=enrolment, recipient__isnull=False)
                                        .values_list("recipient_id", flat=True))
