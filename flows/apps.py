"""App config for flows: its step in the inbox's reply pipeline (inbox/reply_steps.py)."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FlowsConfig(AppConfig):
    name = "flows"
    verbose_name = _("Chatbot flows")

    def ready(self):
        from inbox.reply_steps import register_reply_step

        from .runtime import flow_reply_step

        register_reply_step(flow_reply_step, order=10)
