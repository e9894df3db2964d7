"""App config for rotator: forgets cached links when a device they route to changes."""
from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


def _device_saved(sender, instance, **kwargs):
    # Cache invalidation only (no business logic): "only connected numbers" must see the new status.
    from .services import device_changed

    device_changed(device_id=instance.pk)


class RotatorConfig(AppConfig):
    name = "rotator"
    verbose_name = _("Link rotator")

    def ready(self):
        from accounts.hooks import register_dashboard_card
        from billing import limits

        from . import selectors

        post_save.connect(_device_saved, sender="devices.Device", dispatch_uid="rotator-device-saved")
        register_dashboard_card(selectors.dashboard_card, order=50)
        limits.register_usage("rotators", selectors.rotator_count)
