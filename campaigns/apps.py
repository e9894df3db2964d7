"""App config for campaigns: its dashboard card and first step, daily-message counter, billing hooks, contact panel."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self):
        from accounts.hooks import register_dashboard_card, register_first_step
        from billing import enforcement, limits
        from contacts.panels import register
        from devices.health import register_send_stats

        from . import selectors, services
        from .panels import contact_campaign_panel

        register_dashboard_card(selectors.dashboard_card, order=30)
        register_first_step(selectors.first_step, permission="campaigns:send", order=30)
        limits.register_usage("daily_messages", selectors.messages_sent_today)
        enforcement.register(pause=services.campaigns_pause_for_billing,
                             resume=services.campaigns_resume_for_billing, order=20)
        register(contact_campaign_panel, order=20)
        register_send_stats(selectors.device_send_stats)
