"""Operators' view of flows and runs (read mostly: owners edit flows in the builder)."""
from django.contrib import admin

from .models import Flow, FlowRun, FlowVersion


@admin.register(Flow)
class FlowAdmin(admin.ModelAdmin):
    list_display = ["name", "workspace", "status", "live_version", "updated_at"]
    list_filter = ["status"]
    search_fields = ["name"]
    raw_id_fields = ["workspace", "live_version"]


@admin.register(FlowVersion)
class FlowVersionAdmin(admin.ModelAdmin):
    list_display = ["flow", "number", "published_at", "published_by"]
    raw_id_fields = ["workspace", "flow", "published_by"]
    readonly_fields = ["graph"]


@admin.register(FlowRun)
class FlowRunAdmin(admin.ModelAdmin):
    list_display = ["flow", "chat", "node", "status", "started_at", "timeout_at"]
    list_filter = ["status"]
    raw_id_fields = ["workspace", "flow", "version", "chat", "active_chat"]
