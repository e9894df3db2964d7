"""Operators' view of campaigns: status, progress and the recipients log; actions call the services."""
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from common.admin_cells import cut, short_datetime, when

from . import services
from .errors import CampaignStateError
from .models import ApiMessage, Campaign, DevicePace, Recipient


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["short_name", "workspace_name", "status", "total_recipients", "starts", "finished"]
    list_display_links = ["short_name"]
    list_filter = ["status", "kind"]
    list_select_related = ["workspace"]
    short_name = cut("name", _("Name"))
    workspace_name = cut("workspace__name", _("Workspace"), chars=24)
    finished = when("finished_at", _("Finished"))
    search_fields = ["name", "workspace__name"]
    readonly_fields = ["public_id", "total_recipients", "started_at", "finished_at", "created_at", "updated_at"]
    raw_id_fields = ["workspace", "created_by"]
    filter_horizontal = ["devices"]
    actions = ["pause", "cancel"]

    @admin.display(description=_("Started / scheduled"), ordering="started_at")
    def starts(self, obj):
        # One column for both: a campaign that started no longer needs its schedule, one that waits has no start.
        return short_datetime(obj.started_at or obj.scheduled_at)

    def _run(self, request, queryset, service):
        for campaign in queryset:
            try:
                service(campaign=campaign)
            except CampaignStateError as exc:
                self.message_user(request, f"{campaign}: {exc.message}", messages.WARNING)

    @admin.action(description=_("Pause the selected campaigns"))
    def pause(self, request, queryset):
        self._run(request, queryset, services.campaign_pause)

    @admin.action(description=_("Cancel the selected campaigns"))
    def cancel(self, request, queryset):
        self._run(request, queryset, services.campaign_cancel)


@admin.register(Recipient)
class RecipientAdmin(admin.ModelAdmin):
    list_display = ["phone", "campaign_name", "status", "device_used", "attempts", "sent", "error_code"]
    list_filter = ["status", "error_code"]
    search_fields = ["phone", "waha_short_id", "campaign__name"]
    raw_id_fields = ["workspace", "campaign", "contact", "device_used", "prefer_device"]
    list_select_related = ["campaign", "device_used"]
    show_full_result_count = False  # a row per contact per campaign: no COUNT(*) over millions per page
    campaign_name = cut("campaign__name", _("Campaign"))
    sent = when("sent_at", _("Sent"))


@admin.register(ApiMessage)
class ApiMessageAdmin(admin.ModelAdmin):
    """Send API messages: which key asked, under which Idempotency-Key; where each stands is its recipient row's."""

    list_display = ["public_id", "workspace_name", "recipient_phone", "recipient_status", "transactional",
                    "api_key_prefix", "created"]
    list_filter = ["transactional"]
    search_fields = ["public_id", "idempotency_key", "api_key_prefix", "recipient__phone"]
    list_select_related = ["workspace", "recipient"]
    raw_id_fields = ["workspace", "recipient"]
    readonly_fields = ["public_id", "request_hash", "created_at"]
    show_full_result_count = False
    workspace_name = cut("workspace__name", _("Workspace"), chars=24)
    recipient_phone = cut("recipient__phone", _("Phone"))
    recipient_status = cut("recipient__status", _("Status"))
    created = when("created_at", _("Created"))


@admin.register(DevicePace)
class DevicePaceAdmin(admin.ModelAdmin):
    list_display = ["device", "next_send", "armed", "chain", "day", "sent_today"]
    raw_id_fields = ["device"]
    list_select_related = ["device"]
    next_send = when("next_send_at", _("Next send"))
    armed = when("armed_until", _("Armed until"))
