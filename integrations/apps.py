"""App config for integrations: workspace API keys and outbound webhooks."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = _("Integrations")

    def ready(self):
        # Lower apps emit their events into common.events (they may not import this app); webhooks listen.
        from common.events import event_emitted

        from . import webhooks

        event_emitted.connect(webhooks.event_received, dispatch_uid="integrations.webhooks")
