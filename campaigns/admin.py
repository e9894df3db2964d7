"""Operators' view of campaigns: status, progress and the recipients log; actions call the services."""
from django.contrib import admin, messages

from . import services
from .errors import CampaignStateError
from .models import Campaign, DevicePace, Recipient


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "workspace", "status", "total_recipients", "scheduled_at", "started_at", "finished_at"]
    list_filter = ["status"]
    search_fields = ["name", "workspace__name"]
    readonly_fields = ["public_id", "total_recipients", "started_at", "finished_at", "created_at", "updated_at"]
    raw_id_fields = ["workspace", "created_by"]
    filter_horizontal = ["devices"]
    actions = ["pause", "cancel"]

    def _run(self, request, queryset, service):
        for campaign in queryset:
            try:
                service(campaign=campaign)
            except CampaignStateError as exc:
                self.message_user(request, f"{campaign}: {exc.message}", messages.WARNING)

    @admin.action(description="Pause the selected campaigns")
    def pause(self, request, queryset):
        self._run(request, queryset, services.campaign_pause)

    @admin.action(description="Cancel the selected campaigns")
    def cancel(self, request, queryset):
        self._run(request, queryset, services.campaign_cancel)


@admin.register(Recipient)
class RecipientAdmin(admin.ModelAdmin):
    list_display = ["phone", "campaign", "status", "device_used", "attempts", "sent_at", "error_code"]
    list_filter = ["status", "error_code"]
    search_fields = ["phone", "waha_short_id", "campaign__name"]
    raw_id_fields = ["workspace", "campaign", "contact", "device_used"]


@admin.register(DevicePace)
class DevicePaceAdmin(admin.ModelAdmin):
    list_display = ["device", "next_send_at", "armed_until", "chain", "day", "sent_today"]
    raw_id_fields = ["device"]
