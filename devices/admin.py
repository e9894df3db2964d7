"""Operators' admin: WAHA servers (capacity, Core-only), devices across tenants, webhook events."""
from django.contrib import admin

from .models import Device, WahaServer, WebhookEvent


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
    list_display = ["event_id", "event", "device", "status", "received_at", "processed_at"]
    list_filter = ["status", "event"]
    search_fields = ["event_id", "device__session_name"]
    readonly_fields = ["event_id", "event", "device", "workspace", "envelope", "status", "error", "received_at",
                       "processed_at"]
