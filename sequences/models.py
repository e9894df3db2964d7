"""Sequences (follow-ups): an ordered list of steps sent a delay apart (Sequence, SequenceStep), each contact's
walk through one (Enrolment), and the marker that a step was handled for an enrolment (StepSend).

"Each step reaches a contact at most once, ever" is the database's job: a StepSend is unique per enrolment and
step, and it is written in the same transaction as the campaigns engine's Recipient row that carries the message
(sequences/advance.py), so a restart, a Redis flush or a second beat run finds the row and sends nothing more.
Steps are never deleted from the database (`deleted_at`): a deleted step is skipped by those waiting for it and
keeps its figures.
"""
import uuid
from datetime import timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import WorkspaceOwned


class Sequence(WorkspaceOwned):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        ARCHIVED = "archived", _("Archived")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=120)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # Contacts who get this tag enter (contacts' tag hook, sequences/triggers.py); empty means none.
    entry_tag = models.CharField(_("entry tag"), max_length=64, blank=True,
                                 help_text=_("Contacts who get this tag enter the sequence."))
    allow_reentry = models.BooleanField(_("allow re-entry"), default=False,
                                        help_text=_("A contact who finished or left may enter again."))
    # The per-sequence sending window, in the workspace's time zone (on top of the engine's quiet hours).
    window_start = models.TimeField(_("send from"), null=True, blank=True)
    window_end = models.TimeField(_("send until"), null=True, blank=True)
    skip_weekends = models.BooleanField(_("skip weekends"), default=False)
    # The hidden campaign whose rows carry this sequence's messages (one sending path: the engine's).
    campaign = models.OneToOneField("campaigns.Campaign", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("sequence")
        verbose_name_plural = _("sequences")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.name

    @property
    def is_archived(self):
        return self.status == self.Status.ARCHIVED


class SequenceStep(WorkspaceOwned):
    class Unit(models.TextChoices):
        MINUTES = "minutes", _("minutes")
        HOURS = "hours", _("hours")
        DAYS = "days", _("days")

    class Condition(models.TextChoices):
        ALWAYS = "always", _("Always")
        NOT_REPLIED = "not_replied", _("Only if no reply since the previous step")
        NOT_READ = "not_read", _("Only if the previous step was not read")

    sequence = models.ForeignKey(Sequence, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    delay_value = models.PositiveIntegerField(_("delay"), default=1)
    delay_unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices, default=Unit.DAYS)
    text = models.TextField(_("message"), help_text=_("Spintax {Hi|Halo} and variables [name] work."))
    condition = models.CharField(_("condition"), max_length=12, choices=Condition.choices, default=Condition.ALWAYS)
    stop_on_reply = models.BooleanField(_("stop on reply"), default=True,
                                        help_text=_("A reply after this step ends the sequence for the contact."))
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("sequence step")
        verbose_name_plural = _("sequence steps")
        ordering = ["sequence", "order", "pk"]
        indexes = [models.Index(fields=["sequence", "deleted_at", "order"])]

    def __str__(self):
        return f"{self.sequence_id} #{self.order}"

    @property
    def delay(self):
        return timedelta(**{self.delay_unit: self.delay_value})


class Enrolment(WorkspaceOwned):
    """One contact's walk through one sequence. A contact re-entering (when the sequence allows it) gets a new
    enrolment (`round` + 1), so the steps of the first walk stay done and the new walk starts clean."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        LEFT = "left", _("Left")

    class Left(models.TextChoices):
        REPLIED = "replied", _("Replied")
        OPTED_OUT = "opted_out", _("Opted out")
        REMOVED = "removed", _("Removed by hand")
        ARCHIVED = "archived", _("Sequence archived")
        CONTACT_GONE = "contact_gone", _("Contact deleted")

    sequence = models.ForeignKey(Sequence, on_delete=models.CASCADE, related_name="enrolments")
    contact = models.ForeignKey("contacts.Contact", on_delete=models.CASCADE, related_name="+")
    round = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # The last step handled (sent or skipped by its condition); `position` is its order then, so re-ordering or
    # deleting it later does not send an earlier step again.
    current_step = models.ForeignKey(SequenceStep, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    next_due_at = models.DateTimeField(null=True, blank=True)
    last_step_at = models.DateTimeField(null=True, blank=True)
    last_reply_at = models.DateTimeField(null=True, blank=True)
    left_reason = models.CharField(_("why they left"), max_length=16, choices=Left.choices, blank=True)
    source = models.CharField(max_length=20, blank=True)  # how they entered: tag, bulk, api, hand
    enrolled_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [models.UniqueConstraint(fields=["sequence", "contact", "round"],
                                               name="enrolment_once_per_round")]
        indexes = [models.Index(fields=["status", "next_due_at"]), models.Index(fields=["contact", "status"])]

    def __str__(self):
        return f"{self.contact_id} in {self.sequence_id} ({self.status})"


class StepSend(WorkspaceOwned):
    """A step handled for one enrolment: its engine row (`recipient`), or skipped by the step's condition."""

    class Outcome(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SKIPPED = "skipped", _("Skipped by its condition")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="sends")
    step = models.ForeignKey(SequenceStep, on_delete=models.CASCADE, related_name="sends")
    recipient = models.OneToOneField("campaigns.Recipient", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    outcome = models.CharField(max_length=8, choices=Outcome.choices, default=Outcome.QUEUED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("step send")
        verbose_name_plural = _("step sends")
        constraints = [models.UniqueConstraint(fields=["enrolment", "step"], name="stepsend_once_per_enrolment")]

    def __str__(self):
        return f"{self.enrolment_id} × {self.step_id}"
