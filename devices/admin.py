"""Operators' admin: WAHA servers (capacity, Core-only), devices across tenants, webhook events."""
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from config.errors import UserError

from .models import Device, WahaServer, WebhookEvent
from .webhook_events import webhook_events_rerun


@admin.register(WahaServer)
class WahaServerAdmin(admin.ModelAdmin):
    list_display = ["name", "base_url", "capacity", "core_only_default_session", "is_active", "created_at"]
    list_filter = ["is_active", "core_only_default_session"]


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ["session_name", "workspace", "server", "label", "phone_number", "status", "waha_status",
                    "is_active_for_broadcast", "status_changed_at"]
    list_filter = ["status", "waha_status", "server"]
    search_fields = ["session_name", "phone_number", "label"]
    readonly_fields = ["session_name", "server", "workspace", "status", "waha_status", "status_changed_at"]


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    list_display = ["event_id", "event", "device", "status", "attempts", "received_at", "processed_at"]
    # "Failed (gave up)" in the status filter is the operators' to-do list; the action runs them again.
    list_filter = ["status", "event"]
    search_fields = ["event_id", "device__session_name"]
    readonly_fields = ["event_id", "event", "device", "workspace", "envelope", "status", "attempts", "error",
                       "received_at", "processed_at"]
    actions = ["rerun"]

    @admin.action(description=_("Run the selected failed events again"), permissions=["change"])
    def rerun(self, request, queryset):
        try:
            queued = webhook_events_rerun(queryset=queryset)
        except UserError as exc:  # the queue is down: nothing was changed
            self.message_user(request, exc.message, messages.ERROR)
            return
        skipped = queryset.count() - queued
        self.message_user(request, ngettext("%(count)s failed event queued again.",
                                            "%(count)s failed events queued again.", queued) % {"count": queued})
        if skipped:
            self.message_user(request, ngettext(
                "%(count)s event skipped: only failed events can be run again.",
                "%(count)s events skipped: only failed events can be run again.", skipped) % {"count": skipped},
                messages.WARNING)
