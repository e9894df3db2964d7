"""App config for contacts: registers its dashboard card, first step and plan counter."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "contacts"
    verbose_name = _("Contacts")

    def ready(self):
        from accounts.hooks import register_dashboard_card, register_first_step
        from billing import limits

        from . import selectors

        register_dashboard_card(selectors.dashboard_card, order=20)
        register_first_step(selectors.first_step, permission="contacts:edit", order=20)
        limits.register_usage("contacts", selectors.contact_count)
