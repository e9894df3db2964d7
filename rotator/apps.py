"""App config for rotator."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RotatorConfig(AppConfig):
    name = "rotator"
    verbose_name = _("Link rotator")
