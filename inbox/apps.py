"""App config for inbox: its dashboard card, its first step, its section on a contact's page, and who is warm
for a braked number (devices.warm)."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    name = "inbox"
    verbose_name = _("Inbox")

    def ready(self):
        from accounts.hooks import register_dashboard_card, register_first_step
        from contacts.panels import register
        from devices.warm import register_warm_filter

        from . import selectors
        from .panels import contact_chat_panel

        register_dashboard_card(selectors.dashboard_card, order=40)
        register_first_step(selectors.first_step, permission="autoreplies:manage", order=40)
        register(contact_chat_panel, order=10)
        register_warm_filter(selectors.warm_recipients)
