"""App config for campaigns."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self):
        from contacts.panels import register

        from .panels import contact_campaign_panel

        register(contact_campaign_panel, order=20)
