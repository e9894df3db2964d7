"""Campaigns, their recipients (the brief's campaign_logs) and each device's pacing clock.

The database is the truth of a broadcast: the audience is frozen into one `Recipient` row per phone at
start, each row moves PENDING → SENDING → SENT → DELIVERED → READ (or FAILED / SKIPPED) by conditional
UPDATEs, and each device's next allowed send time lives in `DevicePace`. Redis only carries wake-ups,
so it can be flushed mid-campaign and nothing is lost or repeated (see `campaigns/engine.py`).
"""
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import WorkspaceOwned

from .media import validate_media
from .reasons import reason_text

# Presets of the delay range in seconds; "safe" is what WAHA's docs advise for new numbers.
DELAY_PRESETS = {
    "safe": (30, 60),
    "balanced": (10, 30),
    "fast": (5, 15),
}
DEFAULT_DELAY = (5, 20)  # the brief's range
# Sends per number in any hour ("packages": this many, then a pause until the hour since the package's first
# send is over). On by default: a burst is what WhatsApp's spam detection notices first.
HOURLY_CAP_DEFAULT = 100


class Campaign(WorkspaceOwned):
    class Status(models.TextChoices):
        DRAFT = "DRAFT", _("Draft")
        SCHEDULED = "SCHEDULED", _("Scheduled")
        PROCESSING = "PROCESSING", _("Sending")
        PAUSED = "PAUSED", _("Paused")
        COMPLETED = "COMPLETED", _("Completed")
        CANCELLED = "CANCELLED", _("Cancelled")
        FAILED = "FAILED", _("Failed")

    ACTIVE = (Status.SCHEDULED, Status.PROCESSING, Status.PAUSED)

    class Kind(models.TextChoices):
        BROADCAST = "broadcast", _("Broadcast")
        # Hidden, one per workspace and kind: the rows of the Send API (campaigns/api_messages.py) go through the
        # engine like a broadcast's, so they are paced, capped and acked by the one sending path.
        API = "api", _("API messages")
        API_TRANSACTIONAL = "api_transactional", _("API messages (transactional)")
        # Hidden, one per sequence (sequences/engine_rows.py): each due step of each enrolled contact is one row.
        SEQUENCE = "sequence", _("Sequence messages")

    API_KINDS = (Kind.API, Kind.API_TRANSACTIONAL)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.BROADCAST)
    message_template = models.TextField(_("message"), help_text=_("Spintax {Hi|Halo} and variables [name] work."))
    # Empty means every contact (the composer's "None ticked"), so blank must pass full_clean().
    target_tags = models.JSONField(_("tags"), default=list, blank=True,
                                   help_text=_("Contacts with any of these tags; none means every contact."))
    exclude_tags = models.JSONField(_("excluded tags"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    scheduled_at = models.DateTimeField(_("scheduled at"), null=True, blank=True)
    # Empty at creation means "every broadcast device"; the set is filled in at start.
    devices = models.ManyToManyField("devices.Device", blank=True, related_name="campaigns",
                                     verbose_name=_("devices"))
    media = models.FileField(_("attachment"), upload_to="campaigns/%Y/%m/", blank=True,
                             validators=[validate_media])
    delay_min = models.FloatField(_("minimum delay (s)"), default=DEFAULT_DELAY[0],
                                  validators=[MinValueValidator(0)])
    delay_max = models.FloatField(_("maximum delay (s)"), default=DEFAULT_DELAY[1],
                                  validators=[MinValueValidator(0)])
    typing_simulation = models.BooleanField(_("show typing before each message"), default=True)
    daily_cap_per_device = models.PositiveIntegerField(
        _("daily cap per device"), default=0, help_text=_("0 means no cap beyond the plan's daily messages."))
    hourly_cap_per_device = models.PositiveIntegerField(
        _("hourly cap per device"), default=HOURLY_CAP_DEFAULT,
        help_text=_("At most this many messages per number in an hour, then a pause; 0 means no hourly cap."))
    quiet_start = models.TimeField(_("quiet hours start"), null=True, blank=True,
                                   help_text=_("No sending from this time (workspace time zone)."))
    quiet_end = models.TimeField(_("quiet hours end"), null=True, blank=True)
    total_recipients = models.PositiveIntegerField(default=0)
    # While the audience is being written (in chunks): the last contact written. None once it is complete.
    freeze_cursor = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    # Paused because the plan lapsed (not by a person): exactly these resume after payment.
    paused_by_billing = models.BooleanField(default=False)
    last_error = models.TextField(_("last error"), blank=True)  # text of old rows; new ones keep a code
    last_error_code = models.CharField(max_length=40, blank=True)
    last_error_params = models.JSONField(default=dict, blank=True)  # the figures of last_error_code's words
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "scheduled_at"]), models.Index(fields=["workspace", "status"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(delay_max__gte=models.F("delay_min")),
                                   name="campaign_delay_range_ordered"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        floor = settings.SEBAR_MIN_DELAY_SECONDS
        if self.delay_min is not None and self.delay_min < floor:
            raise ValidationError({"delay_min": _("The minimum delay is %(floor)s seconds on this server.")
                                   % {"floor": floor}})
        if self.delay_min is not None and self.delay_max is not None and self.delay_max < self.delay_min:
            raise ValidationError({"delay_max": _("The maximum delay must be at least the minimum delay.")})
        if (self.quiet_start is None) != (self.quiet_end is None):
            raise ValidationError({"quiet_end": _("Set both the start and the end of quiet hours, or neither.")})

    @property
    def is_active(self):
        return self.status in self.ACTIVE

    @property
    def last_error_text(self):
        return reason_text(self.last_error_code, self.last_error_params, self.last_error)

    @property
    def mean_delay(self):
        return (self.delay_min + self.delay_max) / 2

    @property
    def is_api(self):
        return self.kind in self.API_KINDS

    def media_for(self, recipient):
        """The attachment `recipient`'s send carries: the campaign's, or an API message's own (one query, API
        rows only)."""
        if not self.is_api:
            return self.media
        api = ApiMessage.objects.filter(recipient_id=recipient.pk).only("media").first()
        return api.media if api is not None else None


class Recipient(WorkspaceOwned):
    """One contact of one campaign: the brief's campaign_logs row."""

    class Status(models.TextChoices):
        PENDING = "PENDING", _("Pending")
        SENDING = "SENDING", _("Sending")
        SENT = "SENT", _("Sent")
        DELIVERED = "DELIVERED", _("Delivered")
        READ = "READ", _("Read")
        FAILED = "FAILED", _("Failed")
        SKIPPED = "SKIPPED", _("Skipped")

    # Reasons kept as stable codes so the reaper and the message.any handler can find their rows.
    OUTCOME_UNKNOWN = "outcome_unknown"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="recipients")
    contact = models.ForeignKey("contacts.Contact", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    phone = models.CharField(_("phone"), max_length=20)
    name = models.CharField(_("name"), max_length=200, blank=True)
    device_used = models.ForeignKey("devices.Device", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("device"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    text = models.TextField(_("text"), blank=True)
    waha_message_id = models.CharField(max_length=200, blank=True)
    waha_short_id = models.CharField(max_length=100, blank=True, db_index=True)
    error_code = models.CharField(max_length=40, blank=True)
    error = models.TextField(_("reason"), blank=True)  # text of old rows and unknown codes
    error_params = models.JSONField(default=dict, blank=True)  # the figures `error_code`'s words need
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Set right before the HTTP send: a SENDING row without it was certainly not sent.
    attempted_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    # Empty for a broadcast's rows (one per contact and phone); an API message's id on its row, so one hidden API
    # campaign holds many messages to one phone while a broadcast still reaches each phone once.
    message_key = models.CharField(max_length=36, blank=True, default="", editable=False)
    # The Send API's: not claimed before `send_at`; only `prefer_device` claims the row until `prefer_until`
    # (for ever when that is empty). Empty on a broadcast's rows (see campaigns/claims.py).
    send_at = models.DateTimeField(null=True, blank=True)
    prefer_device = models.ForeignKey("devices.Device", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    prefer_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "contact", "message_key"], name="recipient_once_per_campaign"),
            models.UniqueConstraint(fields=["campaign", "phone", "message_key"],
                                    name="recipient_phone_once_per_campaign"),
        ]
        indexes = [
            models.Index(fields=["campaign", "status"]),
            models.Index(fields=["status", "claimed_at"]),
            models.Index(fields=["workspace", "sent_at"]),
            models.Index(fields=["workspace", "phone"]),
        ]

    def __str__(self):
        return f"{self.phone} ({self.status})"

    @property
    def reason(self):
        """Why the row is where it is, in the active language (campaigns/reasons.py)."""
        return reason_text(self.error_code, self.error_params, self.error)


def _api_media_path(instance, filename):
    # A folder per message: the file keeps the name the person sees in WhatsApp (no suffix added to make it unique).
    return f"api-messages/{instance.workspace_id}/{instance.public_id}/{filename}"


class ApiMessage(WorkspaceOwned):
    """A message asked for through the Send API (POST /api/messages): its public id, the request's idempotency key
    and fingerprint, its own attachment. Its `recipient` row in the workspace's hidden API campaign is what the
    engine sends and what says where the message stands."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.OneToOneField(Recipient, on_delete=models.CASCADE, related_name="api_message")
    # The client's Idempotency-Key; NULLs are distinct on SQLite and MariaDB, so messages without one never collide.
    idempotency_key = models.CharField(max_length=200, null=True, blank=True)
    request_hash = models.CharField(max_length=64)  # SHA-256 of the request as understood: a reused key must match
    media = models.FileField(upload_to=_api_media_path, blank=True, max_length=200)
    transactional = models.BooleanField(default=False)
    api_key_prefix = models.CharField(max_length=16, blank=True)  # which key asked (integrations), for the audit
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("API message")
        verbose_name_plural = _("API messages")
        constraints = [models.UniqueConstraint(fields=["workspace", "idempotency_key"],
                                               name="apimessage_idempotency_once")]

    def __str__(self):
        return str(self.public_id)


class DevicePace(models.Model):
    """A device's sending clock. Not tenant data: the engine's bookkeeping, one row per device.

    `next_send_at` is claimed with a conditional UPDATE, so two sends of one device are never closer
    than the delay drawn for the first, however many tasks run. `chain` identifies the one live
    self-rescheduling task of the device; `armed_until` is when that task should have run by, after
    which the kick starts a new chain (a flushed Redis or a killed worker lost the old one).
    """

    device = models.OneToOneField("devices.Device", on_delete=models.CASCADE, primary_key=True,
                                  related_name="pace")
    next_send_at = models.DateTimeField(null=True, blank=True)
    chain = models.PositiveBigIntegerField(default=0)
    armed_until = models.DateTimeField(null=True, blank=True)
    day = models.DateField(null=True, blank=True)
    sent_today = models.PositiveIntegerField(default=0,
                                             validators=[MinValueValidator(0), MaxValueValidator(10 ** 9)])
    # The hourly package: its first send, and the sends since (see campaigns.engine._claim_slot).
    hour_started_at = models.DateTimeField(null=True, blank=True)
    sent_this_hour = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("device pace")
        verbose_name_plural = _("device paces")

    def __str__(self):
        return f"pace of device {self.device_id}: next {self.next_send_at}"
