"""WhatsApp numbers (devices) and the WAHA servers they live on."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import WorkspaceOwned


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
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("WAHA server")
        verbose_name_plural = _("WAHA servers")

    def __str__(self):
        return self.name


class Device(WorkspaceOwned):
    """One connected WhatsApp number: a WAHA session owned by a workspace."""

    class Status(models.TextChoices):
        CONNECTED = "CONNECTED", _("Connected")
        DISCONNECTED = "DISCONNECTED", _("Disconnected")

    session_name = models.CharField(_("WAHA session"), max_length=54, unique=True)
    server = models.ForeignKey(WahaServer, on_delete=models.PROTECT, related_name="devices")
    label = models.CharField(_("label"), max_length=80, blank=True)
    phone_number = models.CharField(_("phone number"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DISCONNECTED)
    # WAHA's own finer status: STOPPED, STARTING, SCAN_QR_CODE, WORKING, FAILED, PASSKEY_...
    waha_status = models.CharField(_("WAHA status"), max_length=40, default="STOPPED")
    is_active_for_broadcast = models.BooleanField(_("use for broadcasts"), default=True)
    last_error = models.TextField(_("last error"), blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        indexes = [models.Index(fields=["workspace", "status"])]

    def __str__(self):
        return self.label or self.phone_number or self.session_name

    @property
    def is_connected(self):
        return self.status == self.Status.CONNECTED
