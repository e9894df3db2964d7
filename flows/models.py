"""Chatbot flows: the graph an owner draws (Flow, its draft), the published versions the server runs
(FlowVersion, never changed once written), each chat's place in one (FlowRun), and the marker that makes an
inbound message move a run at most once (FlowStep).

A chat that started on version 3 stays on version 3 when version 4 is published: the run points at its version.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import WorkspaceOwned


class Flow(WorkspaceOwned):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    name = models.CharField(_("name"), max_length=120)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # The graph being edited (flows/graph.py describes its shape); checked only on publish, so a half-drawn
    # flow can be saved.
    draft = models.JSONField(default=dict, blank=True)
    # The version new chats start on; null until the first publish.
    live_version = models.ForeignKey("flows.FlowVersion", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["workspace", "name"], name="flows_flow_unique_name")]

    def __str__(self):
        return self.name


class FlowVersion(WorkspaceOwned):
    """One published graph; rows are only ever added (a run keeps the version it started on)."""

    flow = models.ForeignKey(Flow, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    graph = models.JSONField()
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")

    class Meta:
        ordering = ["flow", "-number"]
        constraints = [models.UniqueConstraint(fields=["flow", "number"], name="flows_version_unique_number")]

    def __str__(self):
        return f"{self.flow_id} v{self.number}"


class FlowRun(WorkspaceOwned):
    """One chat's place in one flow version: the node it waits at, the answers so far, when it times out."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        HANDED_OFF = "handed_off", _("Handed to a person")
        TIMED_OUT = "timed_out", _("Timed out")
        CANCELLED = "cancelled", _("Cancelled")

    flow = models.ForeignKey(Flow, on_delete=models.CASCADE, related_name="runs")
    version = models.ForeignKey(FlowVersion, on_delete=models.CASCADE, related_name="runs")
    chat = models.ForeignKey("inbox.Chat", on_delete=models.CASCADE, related_name="+")
    # Set only while ACTIVE and cleared when the run ends: the unique key allows one active run per chat on
    # SQLite and MariaDB alike (NULLs are distinct on both; MariaDB has no partial unique index).
    active_chat = models.OneToOneField("inbox.Chat", on_delete=models.CASCADE, null=True, blank=True,
                                       related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    node = models.CharField(max_length=64, blank=True)
    # Where "menu" starts the run again: the node after the trigger it came in by.
    start_node = models.CharField(max_length=64, blank=True)
    # The waiting nodes passed, newest last: "0" goes back to the one before.
    history = models.JSONField(default=list, blank=True)
    variables = models.JSONField(default=dict, blank=True)
    retries = models.PositiveSmallIntegerField(default=0)
    reminder_at = models.DateTimeField(null=True, blank=True)
    timeout_at = models.DateTimeField(null=True, blank=True)
    # A run nobody answers ends by itself after this (flows.runtime.RUN_LIFETIME), whatever its nodes say.
    expires_at = models.DateTimeField()
    started_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["status", "timeout_at"]), models.Index(fields=["status", "reminder_at"]),
                   models.Index(fields=["status", "expires_at"])]

    def __str__(self):
        return f"{self.flow_id} in chat {self.chat_id}: {self.node} ({self.status})"


class FlowStep(WorkspaceOwned):
    """An inbound message a flow consumed. The unique message makes a redelivered webhook, or the pipeline run
    twice by two workers, move a run once: the second insert fails and that worker does nothing."""

    run = models.ForeignKey(FlowRun, on_delete=models.CASCADE, related_name="steps")
    message = models.ForeignKey("inbox.Message", on_delete=models.CASCADE, related_name="+")
    node = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message"], name="flows_step_unique_message")]
