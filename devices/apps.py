"""App config for devices: registers its dashboard card and first step, its plan counter and billing's device hooks."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevicesConfig(AppConfig):
    name = "devices"
    verbose_name = _("Devices")

    def ready(self):
        from accounts.hooks import register_dashboard_card, register_first_step
        from billing import enforcement, limits

        from . import billing_hooks, health_panels, ramp, selectors

        register_dashboard_card(health_panels.dashboard_card, order=10)  # the devices card, with the brake banner
        register_first_step(selectors.first_step, permission="devices:manage", order=10)
        limits.register_usage("devices", selectors.device_count)
        limits.register_usage("warming", ramp.warming_count)
        enforcement.register(pause=billing_hooks.devices_pause_over_limit,
                             resume=billing_hooks.devices_resume_within_limit, order=10)
