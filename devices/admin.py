"""Operators' admin: WAHA servers (capacity, Core-only), devices across tenants, webhook events."""
from django.contrib import admin, messages
from django.db.models import Count
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.admin_cells import cut, cut_text, when
from config.errors import UserError

from .models import Device, WahaServer, WebhookEvent
from .selectors import server_room
from .webhook_events import webhook_events_rerun


@admin.register(WahaServer)
class WahaServerAdmin(admin.ModelAdmin):
    # Sessions show "used / capacity" in one column so the engine fits beside them at 1366 px.
    list_display = ["name", "url", "engine", "sessions", "room", "core_only_default_session", "is_active"]
    list_filter = ["is_active", "core_only_default_session"]
    url = cut("base_url", _("Base URL"), chars=36)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(used=Count("devices"))

    @admin.display(description=_("Sessions"), ordering="used")
    def sessions(self, obj):
        return f"{obj.used} / {obj.capacity}" if obj.capacity else obj.used

    @admin.display(description=_("Room"))
    def room(self, obj):
        return server_room(obj, obj.used)


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    # The session name is on the device's page and in the search; the list shows what operators act on.
    list_display = ["number", "workspace_name", "server", "state", "is_active_for_broadcast", "changed"]
    list_display_links = ["number"]
    list_filter = ["status", "waha_status", "server"]
    list_select_related = ["workspace", "server"]
    workspace_name = cut("workspace__name", _("Workspace"))
    changed = when("status_changed_at", _("Status since"))

    @admin.display(description=_("Number"), ordering="phone_number")
    def number(self, obj):
        label = cut_text(obj.label, 24)
        if obj.phone_number and obj.label:
            return format_html('{} <span class="cell-muted">+{}</span>', label, obj.phone_number)
        return f"+{obj.phone_number}" if obj.phone_number else (label or obj.session_name)

    @admin.display(description=_("Status"), ordering="status")
    def state(self, obj):
        css = "cell-status-good" if obj.is_connected else "cell-status-bad"
        return format_html('<span class="{}">{}</span> <span class="cell-muted">{}</span>', css,
                           obj.get_status_display(), obj.waha_status)
    search_fields = ["session_name", "phone_number", "label"]
    readonly_fields = ["session_name", "server", "workspace", "status", "waha_status", "status_changed_at"]


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    # The event id is in the search and on the event's page; the list shows what went wrong.
    list_display = ["event", "device", "status", "attempts", "short_error", "received"]
    list_display_links = ["event"]
    # "Failed (gave up)" in the status filter is the operators' to-do list; the action runs them again.
    list_filter = ["status", "event"]
    list_select_related = ["device"]
    show_full_result_count = False  # one row per webhook delivery: no COUNT(*) over all of them per page
    short_error = cut("error", _("Error"), chars=40)
    received = when("received_at", _("Received"))
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
