"""Every write to sequences: the sequence and its steps, enrolling and removing contacts, archiving, and what a
reply or an opt-out does to the contact's enrolments."""
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from common import spintax

from . import engine_rows
from .advance import enrolment_end, live_steps
from .errors import SequenceArchived, SequenceError
from .models import Enrolment, Sequence, SequenceStep
from .schedule import due_after

STEP_FIELDS = ("delay_value", "delay_unit", "text", "condition", "stop_on_reply")
MAX_STEPS = 20
TEXT_MAX = 4096


def _full_clean(obj, exclude=()):
    try:
        obj.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        fields = {k: "; ".join(v) for k, v in exc.message_dict.items()}
        raise SequenceError(" ".join(fields.values()), fields=fields) from exc


def _check_text(text):
    if not (text or "").strip():
        raise SequenceError(_("Write the step's message."), fields={"text": _("required")})
    if len(text) > TEXT_MAX:
        raise SequenceError(_("The text is longer than %(n)s characters.") % {"n": TEXT_MAX},
                            fields={"text": _("too long")})
    try:
        spintax.validate(text)
    except spintax.SpintaxError as exc:
        raise SequenceError(exc.message, code="spintax_error", fields={"text": exc.message}) from exc


def _check_window(sequence):
    if (sequence.window_start is None) != (sequence.window_end is None):
        raise SequenceError(_("Set both the start and the end of the sending window, or neither."),
                            fields={"window_end": _("set both or neither")})


def _editable(sequence):
    if sequence.is_archived:
        raise SequenceArchived(_("The sequence is archived; it can no longer change or take contacts."))


SEQUENCE_FIELDS = ("name", "entry_tag", "allow_reentry", "window_start", "window_end", "skip_weekends", "status")


@transaction.atomic
def sequence_create(*, workspace, name, steps=(), **fields):
    """A sequence and its steps (dicts of STEP_FIELDS), in their order."""
    sequence = Sequence(workspace=workspace, name=(name or "").strip(),
                        **{k: v for k, v in fields.items() if k in SEQUENCE_FIELDS and k != "status"})
    _check_window(sequence)
    _full_clean(sequence, exclude=["workspace", "campaign"])
    sequence.save()
    for data in steps:
        step_add(sequence=sequence, **data)
    return sequence


def sequence_update(*, sequence, **fields):
    _editable(sequence)
    if fields.get("status") == Sequence.Status.ARCHIVED:
        return sequence_archive(sequence=sequence)
    for key, value in fields.items():
        if key in SEQUENCE_FIELDS:
            setattr(sequence, key, value.strip() if isinstance(value, str) and key == "name" else value)
    _check_window(sequence)
    _full_clean(sequence, exclude=["workspace", "campaign"])
    sequence.save()
    return sequence


def step_add(*, sequence, order=None, **data):
    _editable(sequence)
    steps = live_steps(sequence)
    if steps.count() >= MAX_STEPS:
        raise SequenceError(_("A sequence has at most %(n)s steps.") % {"n": MAX_STEPS})
    if order is None:
        order = (SequenceStep.objects.filter(sequence=sequence).aggregate(m=Max("order"))["m"] or 0) + 1
    step = SequenceStep(workspace_id=sequence.workspace_id, sequence=sequence, order=order,
                        **{k: v for k, v in data.items() if k in STEP_FIELDS})
    _check_text(step.text)
    _full_clean(step, exclude=["workspace", "sequence"])
    step.save()
    return step


def step_update(*, step, **data):
    """Later contacts get the new text; a step already handled for an enrolment is never sent to it again."""
    _editable(step.sequence)
    for key, value in data.items():
        if key in STEP_FIELDS or key == "order":
            setattr(step, key, value)
    _check_text(step.text)
    _full_clean(step, exclude=["workspace", "sequence"])
    step.save()
    return step


def step_delete(*, step):
    """Those waiting for the step skip it; its figures stay (the row is kept, marked deleted)."""
    _editable(step.sequence)
    SequenceStep.objects.filter(pk=step.pk).update(deleted_at=timezone.now())


def steps_reorder(*, sequence, step_ids):
    """The live steps in this order (ids of the sequence's steps; others are refused)."""
    _editable(sequence)
    steps = {s.pk: s for s in live_steps(sequence)}
    if sorted(step_ids) != sorted(steps):
        raise SequenceError(_("List every step of the sequence once to reorder them."),
                            fields={"steps": _("every step once")})
    # Orders move above every position an enrolment holds, so a step moved later is still ahead of those who
    # have not reached it, and one moved earlier is not sent again to those who already got it (StepSend).
    base = (SequenceStep.objects.filter(sequence=sequence).aggregate(m=Max("order"))["m"] or 0)
    with transaction.atomic():
        for i, pk in enumerate(step_ids, start=1):
            SequenceStep.objects.filter(pk=pk).update(order=base + i)


@transaction.atomic
def sequence_archive(*, sequence):
    """Archived: everyone in it leaves, its unsent rows are withdrawn and its campaign ends."""
    Sequence.objects.filter(pk=sequence.pk).update(status=Sequence.Status.ARCHIVED)
    sequence.status = Sequence.Status.ARCHIVED
    now = timezone.now()
    for enrolment in Enrolment.objects.filter(sequence=sequence, status=Enrolment.Status.ACTIVE):
        enrolment_end(enrolment, status=Enrolment.Status.LEFT, reason=Enrolment.Left.ARCHIVED, now=now)
    sequence.refresh_from_db(fields=["campaign"])  # the beat may have made it since this object was read
    engine_rows.campaign_close(sequence.campaign)
    return sequence


def sequence_enrol(*, sequence, contacts, source="hand", now=None):
    """Enrol the contacts (an iterable of Contact); returns (enrolled, skipped) where skipped maps a contact id to
    why: already in it, finished it (re-entry off), opted out."""
    _editable(sequence)
    first = live_steps(sequence).first()
    if first is None:
        raise SequenceError(_("Add a step to the sequence before enrolling contacts."))
    now = now or timezone.now()
    due = due_after(sequence, first, now)
    enrolled, skipped = [], {}
    for contact in contacts:
        if contact.workspace_id != sequence.workspace_id:
            continue  # SECURITY: only the sequence's own workspace's contacts (callers scope already)
        if contact.opted_out:
            skipped[contact.pk] = "opted_out"
            continue
        earlier = list(Enrolment.objects.filter(sequence=sequence, contact=contact).values_list("status", "round"))
        if any(status == Enrolment.Status.ACTIVE for status, _round in earlier):
            skipped[contact.pk] = "already_enrolled"
            continue
        if earlier and not sequence.allow_reentry:
            skipped[contact.pk] = "already_done"
            continue
        try:
            with transaction.atomic():
                enrolled.append(Enrolment.objects.create(
                    workspace_id=sequence.workspace_id, sequence=sequence, contact=contact, source=source,
                    round=max((r for _s, r in earlier), default=0) + 1, next_due_at=due))
        except IntegrityError:
            skipped[contact.pk] = "already_enrolled"  # a concurrent enrol of the same contact won
    return enrolled, skipped


def enrolment_remove(*, enrolment):
    if enrolment.status == Enrolment.Status.ACTIVE:
        enrolment_end(enrolment, status=Enrolment.Status.LEFT, reason=Enrolment.Left.REMOVED)
    return enrolment


def contact_replied(*, workspace_id, contact_id, now=None):
    """A reply from the contact: noted on their enrolments (for "not replied" steps); those whose last step says
    "stop on reply" end. Returns how many left."""
    now = now or timezone.now()
    active = Enrolment.objects.filter(workspace_id=workspace_id, contact_id=contact_id, status=Enrolment.Status.ACTIVE)
    active.update(last_reply_at=now)
    left = 0
    for enrolment in active.select_related("current_step").filter(current_step__stop_on_reply=True):
        enrolment_end(enrolment, status=Enrolment.Status.LEFT, reason=Enrolment.Left.REPLIED, now=now)
        left += 1
    return left


def contact_left_all(*, workspace_id, contact_id, reason):
    """The contact leaves every sequence they are in (opted out)."""
    now = timezone.now()
    ended = 0
    for enrolment in Enrolment.objects.filter(workspace_id=workspace_id, contact_id=contact_id,
                                              status=Enrolment.Status.ACTIVE):
        enrolment_end(enrolment, status=Enrolment.Status.LEFT, reason=reason, now=now)
        ended += 1
    return ended
