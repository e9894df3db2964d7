"""Workspace API keys and the log of the requests made with them; outbound webhook endpoints and deliveries."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import WorkspaceOwned


class ApiKey(WorkspaceOwned):
    """A long-lived credential for the API. Only the SHA-256 of the secret is kept: the owner sees it once."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    # Orders and codes: its messages skip quiet hours and the per-contact limit and may reach opted-out numbers
    # (campaigns/api_messages.py). Off unless the owner says so, and shown beside the key.
    transactional = models.BooleanField(_("transactional"), default=False)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    last_used_ip = models.GenericIPAddressField(_("last used from"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.prefix} ({self.name})"

    def status_at(self, now=None):
        if self.revoked_at:
            return self.Status.REVOKED
        if self.expires_at and self.expires_at <= (now or timezone.now()):
            return self.Status.EXPIRED
        return self.Status.ACTIVE

    @property
    def status(self):
        return self.status_at()

    def get_status_display(self):
        return self.Status(self.status).label


class ApiKeyRequest(WorkspaceOwned):
    """One API request made with a key: who (the key), what (method, path), the answer and where from.
    One INSERT per request, nothing else; the admin and the owner read it."""

    key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="requests")
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=255)
    status = models.PositiveSmallIntegerField()
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("API key request")
        verbose_name_plural = _("API key requests")
        indexes = [models.Index(fields=["key", "at"]), models.Index(fields=["workspace", "at"])]

    def __str__(self):
        return f"{self.method} {self.path} {self.status}"


class WebhookEndpoint(WorkspaceOwned):
    """A URL of the workspace's own system that receives the events it chose, signed with its secret."""

    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=120, blank=True)
    events = models.JSONField(_("events"), default=list)
    # Kept in clear: the server signs with it (a hash would not do); shown to the owner once, then masked.
    secret = models.CharField(max_length=64, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    disabled_reason = models.CharField(max_length=200, blank=True)
    # Since when every delivery failed (None while the last one succeeded): days of it switch it off.
    failing_since = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.url


class WebhookDelivery(WorkspaceOwned):
    """One event for one endpoint, and where its delivery stands. `event_id` is the same for every endpoint
    of an event (receivers de-duplicate on it); a retry sends the same body again."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.CharField(max_length=40)
    event = models.CharField(max_length=40)
    body = models.TextField()  # the exact JSON sent (and signed), so a retry is byte-identical
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_excerpt = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"]), models.Index(fields=["endpoint", "created_at"])]
        constraints = [models.UniqueConstraint(fields=["endpoint", "event_id"],
                                               name="webhookdelivery_once_per_endpoint")]

    def __str__(self):
        return f"{self.event} → {self.endpoint_id} ({self.status})"
