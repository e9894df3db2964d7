"""Contacts of a workspace. The phone is stored normalised (E.164 digits) and unique per workspace."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import WorkspaceOwned


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

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "phone"], name="contact_phone_unique_per_workspace"),
        ]

    def __str__(self):
        return f"{self.name} ({self.phone})" if self.name else self.phone
