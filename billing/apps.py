"""App config for billing: its plan card, the plans on the public home page, the agent seats it lends
accounts' team feature, its own AI-answer counter, and the trial a new workspace starts with."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Billing")

    def ready(self):
        from django.db.models.signals import post_save

        from accounts import hooks
        from accounts.models import Workspace
        from accounts.selectors import agent_count

        from . import limits, selectors, trials

        hooks.register_dashboard_card(selectors.dashboard_card, permission="billing:manage", order=60)
        hooks.register_public_plans(selectors.public_plans)
        limits.register_usage("agents", agent_count)
        limits.register_usage("ai_replies", limits.ai_answers_used)
        hooks.register_seat_policy(limits.AgentSeats())
        post_save.connect(trials.workspace_created, sender=Workspace, dispatch_uid="billing.trial_start")
