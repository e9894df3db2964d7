"""App config for analytics: the top of the map. It hears campaigns' figure changes and shows its dashboard
panel through accounts' hooks; no app imports analytics."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = _("Analytics")

    def ready(self):
        from accounts.hooks import register_dashboard_panel
        from campaigns.activity import register_recipients_changed

        from . import marks, panels

        register_recipients_changed(marks.recipients_changed)
        register_dashboard_panel("analytics/_dashboard.html", context=panels.dashboard_panel, order=10)
