"""App config for integrations: workspace API keys and outbound webhooks."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = _("Integrations")

    def ready(self):
        # Lower apps emit their events into common.events (they may not import this app); webhooks listen.
        from django.db.models.signals import post_delete, post_save

        from common.events import event_emitted

        from . import subscriptions, webhooks
        from .models import WebhookEndpoint

        event_emitted.connect(webhooks.event_received, dispatch_uid="integrations.webhooks")
        for signal in (post_save, post_delete):
            signal.connect(subscriptions.endpoint_changed, sender=WebhookEndpoint,
                           dispatch_uid=f"integrations.subscriptions.{signal is post_save}")
