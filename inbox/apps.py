"""App config for inbox."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    name = "inbox"
    verbose_name = _("Inbox")

    def ready(self):
        from contacts.panels import register

        from .panels import contact_chat_panel

        register(contact_chat_panel, order=10)
