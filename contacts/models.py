"""Contacts of a workspace, their tags, opt-out settings and import jobs.

The phone is stored normalised (E.164 digits) and unique per workspace.

Tags live in a table (`Tag` + `ContactTag`), not in a JSON column. Measured with
`bench/contacts_tags.py` at 1,000,000 contacts in one workspace (full figures in its docstring): on
MariaDB a rare tag's COUNT takes 66 ms with the table and 1,332 ms with JSON_CONTAINS, "all of two
tags" 1.5 s vs 1.8 s (SQLite: 1.9 s vs 11.6 s); JSON only wins when most rows match and just the
first page is wanted, because it is always one full scan that no index can serve on either database.
The table's cost follows the matching rows and works alike on both. The API still shows tags as a
list of names (`["VIP", "Lead"]`).
"""
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import WorkspaceOwned

from .importing import reasons

DEFAULT_OPT_OUT_WORDS = ["STOP", "BERHENTI", "UNSUBSCRIBE"]
# At most this many broadcast messages per contact in this many days, on by default: a customer who gets
# a promotion every day blocks the number, and blocks are what get numbers banned.
CONTACT_CAP_DEFAULT = (3, 7)


class Tag(WorkspaceOwned):
    name = models.CharField(_("name"), max_length=80)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["workspace", "name"], name="tag_name_unique_per_workspace")]

    def __str__(self):
        return self.name


class Contact(WorkspaceOwned):
    phone = models.CharField(_("phone"), max_length=20, help_text=_("E.164 digits, e.g. 6281234567890"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=40, default="Manual")
    # Anything a CSV column carried (city, company...), usable as [city] in messages.
    custom_fields = models.JSONField(_("custom fields"), default=dict, blank=True)
    opted_out = models.BooleanField(_("opted out"), default=False)
    opted_out_at = models.DateTimeField(_("opted out at"), null=True, blank=True)
    opted_out_reason = models.CharField(_("opt-out reason"), max_length=200, blank=True)
    # None until checked through WAHA's check-exists.
    on_whatsapp = models.BooleanField(_("on WhatsApp"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    tags = models.ManyToManyField(Tag, through="ContactTag", related_name="contacts", blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "phone"], name="contact_phone_unique_per_workspace"),
        ]
        indexes = [
            # Keyset pages (newest first) and the audience's opted-out filter stay index-only at 1M rows.
            models.Index(fields=["workspace", "opted_out", "id"], name="contact_ws_optout_id"),
            # Analytics recounts one day's new contacts of a workspace (analytics/rollup.py).
            models.Index(fields=["workspace", "created_at"], name="contact_ws_created"),
        ]

    def __str__(self):
        return f"{self.name} ({self.phone})" if self.name else self.phone


class ContactTag(models.Model):
    """The through-table; (tag, contact) is the index "contacts with tag X" walks."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="contact_tags")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="contact_tags")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tag", "contact"], name="contacttag_unique")]
        # The unique constraint already indexes (tag, contact); this one serves "tags of contact X".
        indexes = [models.Index(fields=["contact", "tag"], name="contacttag_contact_tag")]

    def __str__(self):
        return f"{self.contact_id}:{self.tag_id}"


class ContactSettings(WorkspaceOwned):
    """Per-workspace contact settings: the words that opt a contact out when they write them, and how many
    broadcast messages a contact may get in a number of days."""

    opt_out_words = models.JSONField(_("opt-out words"), default=list, blank=True)
    # Read by the broadcast engine before each send (campaigns/contact_cap.py); 0 messages = no cap.
    contact_cap_messages = models.PositiveSmallIntegerField(
        _("broadcast messages per contact"), default=CONTACT_CAP_DEFAULT[0],
        validators=[MaxValueValidator(100)])
    contact_cap_days = models.PositiveSmallIntegerField(
        _("in days"), default=CONTACT_CAP_DEFAULT[1], validators=[MinValueValidator(1), MaxValueValidator(90)])

    class Meta:
        verbose_name = _("contact settings")
        verbose_name_plural = _("contact settings")
        constraints = [models.UniqueConstraint(fields=["workspace"], name="contactsettings_one_per_workspace")]

    def __str__(self):
        return ", ".join(self.opt_out_words)


def _import_path(instance, filename):
    return f"imports/{instance.workspace_id}/{instance.public_id}/{filename[-100:]}"


class ImportJob(WorkspaceOwned):
    """One import (a file or a WhatsApp group): its mapping, progress counters and report.

    A file job is "reading" until the worker has read its first rows and guessed the columns
    (`contacts_sniff_task`), then waits for its mapping, is queued, runs, and ends done or failed.

    `last_row` is the last data row whose contacts are committed; a re-run continues after it, so a
    crash never leaves duplicates or a half-applied chunk (each chunk commits with its counters).
    """

    class Kind(models.TextChoices):
        FILE = "file", _("File")
        GROUP = "group", _("WhatsApp group")

    class Status(models.TextChoices):
        READING = "reading", _("Reading the file")
        MAPPING = "mapping", _("Waiting for column mapping")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.FILE)
    file = models.FileField(upload_to=_import_path, blank=True, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_format = models.CharField(max_length=10, blank=True)  # csv / xlsx / xls
    encoding = models.CharField(max_length=20, blank=True)
    delimiter = models.CharField(max_length=2, blank=True)
    has_header = models.BooleanField(default=True)
    headers = models.JSONField(default=list, blank=True)
    preview = models.JSONField(default=list, blank=True)
    # One target per column: "phone", "name", "tags", "skip" or "field:<key>".
    mapping = models.JSONField(default=list, blank=True)
    tags = models.JSONField(default=list, blank=True)
    # Start as soon as the file is read, with `mapping` (what the API client sent, or the guess).
    start_when_read = models.BooleanField(default=False)
    source = models.CharField(_("source"), max_length=40, default="Excel")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.MAPPING)
    error = models.TextField(blank=True)
    total_rows = models.PositiveIntegerField(null=True, blank=True)
    last_row = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    duplicate_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    over_limit_count = models.PositiveIntegerField(default=0)
    hidden_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # When it was last queued (upload, start, resume, the sweeper): a job still READING or QUEUED long after
    # lost its task.
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self):
        return self.original_name or str(self.public_id)

    @property
    def read_failed(self):
        """A file that could not be read at all: nothing was imported, and there is nothing to resume."""
        return self.kind == self.Kind.FILE and self.status == self.Status.FAILED and not self.headers

    @property
    def is_finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self):
        if self.status == self.Status.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(99, int(self.last_row * 100 / self.total_rows))


class ImportReject(models.Model):
    """A row an import did not take, with its row number and why (downloadable as CSV).

    Why is a `code` of contacts/importing/reasons.py and its `params`, translated when read (`text`), so
    the reader sees their own language, not the worker's. `reason` is the finished sentence rows written
    before codes existed kept; it is shown when `code` is empty."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rejects")
    row_number = models.PositiveIntegerField()
    value = models.CharField(max_length=200, blank=True)
    code = models.CharField(max_length=40, blank=True)
    params = models.JSONField(default=dict, blank=True)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["job", "row_number"], name="importreject_job_row")]

    def __str__(self):
        return f"row {self.row_number}: {self.text}"

    @property
    def text(self):
        return reject_text(self.code, self.params, self.reason)


def reject_text(code, params, reason=""):
    """Why a row was rejected, in the active language (or the stored sentence of a row without a code)."""
    return reasons.text(code, params) if code else reason
