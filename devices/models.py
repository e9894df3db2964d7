"""WhatsApp numbers (devices), the WAHA servers they live on, and the webhook events WAHA sends us."""
import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import WorkspaceOwned

from .error_texts import error_text
from .health_reasons import changes_text, health_text, reasons_text


class WahaServer(models.Model):
    """A WAHA instance configured by operators. Not tenant data: devices of many workspaces share it."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    base_url = models.URLField(_("base URL"), help_text=_("e.g. http://waha:3000"))
    api_key = models.CharField(_("API key"), max_length=200, blank=True)
    # How many sessions this server may hold; old WAHA Core images allow one (the session "default").
    capacity = models.PositiveIntegerField(_("session capacity"), default=50)
    core_only_default_session = models.BooleanField(
        _("only the session 'default'"), default=False,
        help_text=_("Old WAHA Core images before 2026.6 accept only a session named 'default'."))
    is_active = models.BooleanField(_("accepts new devices"), default=True)
    # WAHA runs one engine per server (API.md §2); learned from its session events. It decides whether a
    # campaign send carries a pre-generated message id (NOWEB and GOWS only).
    engine = models.CharField(_("engine"), max_length=16, blank=True,
                              help_text=_("Learned from WAHA: WEBJS, NOWEB, GOWS, WPP."))
    pregenerated_ids = models.BooleanField(
        _("pre-generated message ids"), default=True,
        help_text=_("Off by itself when this WAHA cannot make message ids (before 2026.4.3)."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("WAHA server")
        verbose_name_plural = _("WAHA servers")

    def __str__(self):
        return self.name


def new_webhook_secret():
    return secrets.token_urlsafe(32)


class Device(WorkspaceOwned):
    """One connected WhatsApp number: a WAHA session owned by a workspace."""

    class Status(models.TextChoices):
        CONNECTED = "CONNECTED", _("Connected")
        DISCONNECTED = "DISCONNECTED", _("Disconnected")

    # Generated names are unique across tenants (ws<id>-<random>); only old WAHA Core servers force the
    # name "default", so uniqueness is per server (and per workspace, for the <session> URLs).
    session_name = models.CharField(_("WAHA session"), max_length=54)
    server = models.ForeignKey(WahaServer, on_delete=models.PROTECT, related_name="devices")
    label = models.CharField(_("label"), max_length=80, blank=True)
    phone_number = models.CharField(_("phone number"), max_length=20, blank=True)
    # Set when a re-link came back as another phone; the list shows a notice until the owner dismisses it.
    previous_phone_number = models.CharField(_("previous phone number"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DISCONNECTED)
    # WAHA's own finer status: STOPPED, STARTING, SCAN_QR_CODE, WORKING, FAILED, PASSKEY_...
    waha_status = models.CharField(_("WAHA status"), max_length=40, default="STOPPED")
    is_active_for_broadcast = models.BooleanField(_("use for broadcasts"), default=True)
    # What went wrong: one of devices/error_texts.py's codes (words made on reading), or WAHA's own words.
    last_error = models.TextField(_("last error"), blank=True)
    last_error_code = models.CharField(max_length=40, blank=True)
    # When WAHA says the current status began (its own timestamp): an older session.status event,
    # delivered late or retried, must not overwrite a newer one.
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # The HMAC key WAHA signs this session's webhooks with; the receiver finds it by session name.
    webhook_secret = models.CharField(max_length=64, default=new_webhook_secret, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        indexes = [models.Index(fields=["workspace", "status"]), models.Index(fields=["session_name"])]
        constraints = [
            models.UniqueConstraint(fields=["server", "session_name"], name="devices_device_unique_session_per_server"),
            models.UniqueConstraint(fields=["workspace", "session_name"],
                                    name="devices_device_unique_session_per_workspace"),
        ]

    @property
    def error_text(self):
        """The device's last error in the active language (devices/error_texts.py)."""
        return error_text(self.last_error_code, self.last_error)

    def __str__(self):
        return self.label or self.phone_number or self.session_name

    @property
    def is_connected(self):
        return self.status == self.Status.CONNECTED

    @property
    def health_or_none(self):
        """The health row, or None before the first assessment (templates cannot catch DoesNotExist)."""
        try:
            return self.health
        except DeviceHealth.DoesNotExist:
            return None

    # WAHA status -> (badge colour, what the owner reads)
    BADGES = {
        "WORKING": ("green", _("Connected")),
        "SCAN_QR_CODE": ("amber", _("Waiting for scan")),
        "STARTING": ("blue", _("Starting")),
        "PASSKEY_REQUIRED": ("amber", _("Passkey needed")),
        "PASSKEY_CONFIRMATION_REQUIRED": ("amber", _("Confirm passkey")),
        "FAILED": ("red", _("Failed")),
        "STOPPED": ("red", _("Stopped")),
    }

    @property
    def badge(self):
        if self.is_connected:
            return self.BADGES["WORKING"]
        return self.BADGES.get(self.waha_status, ("red", _("Disconnected")))


class WebhookEvent(WorkspaceOwned):
    """One verified WAHA webhook delivery, stored before processing so retries are dropped by its id.

    Tenant data: it belongs to the device's workspace (messages in its payload are that tenant's).
    """

    class Status(models.TextChoices):
        PENDING = "PENDING", _("Pending")
        PROCESSING = "PROCESSING", _("Processing")
        PROCESSED = "PROCESSED", _("Processed")
        IGNORED = "IGNORED", _("Ignored (no handler)")
        RETRYING = "RETRYING", _("Failed, will retry")
        FAILED = "FAILED", _("Failed (gave up; re-run from the admin)")

    # WAHA's envelope id (evt_<ulid>), the same across retries: the unique key that drops duplicates.
    event_id = models.CharField(max_length=64)
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="webhook_events")
    event = models.CharField(max_length=40)
    envelope = models.JSONField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(blank=True)
    # Claims so far: bounds the retries even when a retry message or a worker was lost.
    attempts = models.PositiveSmallIntegerField(default=0)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        constraints = [models.UniqueConstraint(fields=["event_id"], name="devices_webhookevent_unique_event_id")]
        indexes = [models.Index(fields=["status", "received_at"])]

    def __str__(self):
        return f"{self.event} {self.event_id}"


class DeviceHealth(WorkspaceOwned):
    """A number's health: WhatsApp's own limits on it (WAHA's ``/me``), when they were read, and the score.

    A row of its own rather than fields on ``Device``: the poller and the engine's error hook write it often,
    from workers, and a ``Device`` save has listeners (the rotator's link cache) and races the session-status
    path, which locks the device row; a separate row keeps those writes apart. ``devices.health`` owns every
    write; a device with no row yet has not been assessed (``device_signals`` then says "unknown").
    """

    class Capping(models.TextChoices):
        UNKNOWN = "", _("Unknown")
        NONE = "NONE", _("No capping")
        FIRST_WARNING = "FIRST_WARNING", _("First warning")
        SECOND_WARNING = "SECOND_WARNING", _("Second warning")
        CAPPED = "CAPPED", _("Capped")

    device = models.OneToOneField(Device, on_delete=models.CASCADE, related_name="health")
    capping_status = models.CharField(_("capping"), max_length=16, choices=Capping.choices, blank=True)
    capping_total_quota = models.IntegerField(null=True, blank=True)  # -1: WhatsApp sets no cap
    capping_used_quota = models.IntegerField(null=True, blank=True)
    capping_cycle_end = models.DateTimeField(null=True, blank=True)
    # None: WAHA did not say. A 463 on a send sets it too, with an end only when /me tells one.
    timelock_active = models.BooleanField(null=True, blank=True)
    timelock_ends = models.DateTimeField(null=True, blank=True)
    last_timelock_error_at = models.DateTimeField(null=True, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    # The last poll a send error asked for: rate-limits those polls (a conditional UPDATE claims one).
    error_poll_at = models.DateTimeField(null=True, blank=True)
    # The brake the engine applies (devices.health.brake_of), as last recorded: an event is written only when it
    # changes. "" none, "slow" (pace halved), "warm_only" (no new chats), "paused" (no broadcasts).
    brake = models.CharField(_("brake"), max_length=10, blank=True)
    brake_code = models.CharField(max_length=20, blank=True)
    brake_until = models.DateTimeField(null=True, blank=True)
    # The owner resumed a number paused for session drops: drops before this no longer count for the brake.
    brake_resumed_at = models.DateTimeField(null=True, blank=True)
    # The warm-up ramp (devices/ramp.py): ramp_cap is today's cap of the number's sends, obeyed by the engine like
    # a campaign's daily cap per number; None when the number is not warming. ramp_day is the day of the ramp
    # (0 = the first), ramp_evaluated_on the local day the daily evaluation last ran (it runs once a day),
    # ramp_note why the last evaluation climbed, held or stepped back ({"code", "params"}, worded on reading).
    ramp_day = models.PositiveSmallIntegerField(_("ramp day"), null=True, blank=True)
    ramp_cap = models.PositiveIntegerField(_("today's ramp cap"), null=True, blank=True)
    ramp_started_at = models.DateTimeField(null=True, blank=True)
    ramp_evaluated_on = models.DateField(null=True, blank=True)
    ramp_note = models.JSONField(default=dict, blank=True)
    score = models.PositiveSmallIntegerField(_("health score"), default=100)
    # [{"code", "params", "penalty"}], worst first; words are made when read (devices/health_reasons.py).
    reasons = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("device health")
        verbose_name_plural = _("device health")
        indexes = [models.Index(fields=["last_polled_at"])]

    def __str__(self):
        return f"{self.device}: {self.score}"

    @property
    def summary(self):
        """"62: capping first warning; 4 % not on WhatsApp", in the active language."""
        return health_text(self.score, self.reasons)

    @property
    def reasons_words(self):
        return reasons_text(self.reasons)

    @property
    def badge(self):
        return "green" if self.score >= 80 else "amber" if self.score >= 50 else "red"


class DeviceHealthEvent(WorkspaceOwned):
    """One thing that moved a number's health: a limit WhatsApp set or lifted, a refused send, a session drop."""

    class Kind(models.TextChoices):
        POLL = "POLL", _("Read from WhatsApp")
        SEND_ERROR = "SEND_ERROR", _("Send refused")
        STATUS = "STATUS", _("Session dropped")
        RESCORE = "RESCORE", _("Recomputed")
        BRAKE = "BRAKE", _("Brake")
        RAMP = "RAMP", _("Warm-up")

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="health_events")
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # For SEND_ERROR: "timelock" or "rate_overlimit"; for STATUS: FAILED or STOPPED.
    code = models.CharField(max_length=32, blank=True)
    score = models.PositiveSmallIntegerField()
    previous_score = models.PositiveSmallIntegerField(null=True, blank=True)
    # [{"code", "params"}]: what changed, as codes and figures (words made when read).
    changes = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("device health event")
        verbose_name_plural = _("device health events")
        indexes = [models.Index(fields=["device", "kind", "at"])]
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.device} {self.kind} {self.score}"

    @property
    def changes_words(self):
        return changes_text(self.changes)
