"""App config for billing: its plan card, the plans on the public home page, and the agent seats it lends
accounts' team feature."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Billing")

    def ready(self):
        from accounts import hooks
        from accounts.selectors import agent_count

        from . import limits, selectors

        hooks.register_dashboard_card(selectors.dashboard_card, permission="billing:manage", order=60)
        hooks.register_public_plans(selectors.public_plans)
        limits.register_usage("agents", agent_count)
        hooks.register_seat_policy(limits.AgentSeats())
