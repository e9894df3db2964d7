"""App config for sequences: it listens to replies and opt-outs (common.events) and to tags added (contacts)."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SequencesConfig(AppConfig):
    name = "sequences"
    verbose_name = _("Sequences")

    def ready(self):
        from common.events import event_emitted

        from .listeners import event_received

        event_emitted.connect(event_received, dispatch_uid="sequences.listeners")
