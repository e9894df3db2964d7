"""Operators see every workspace's API keys (prefix, scopes, last use) and their request log, and can revoke a key;
secrets are never there to see (only their hash is stored)."""
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from . import services
from .models import ApiKey, ApiKeyRequest, WebhookDelivery, WebhookEndpoint


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["prefix", "name", "workspace", "scopes", "created_at", "last_used_at", "last_used_ip",
                    "expires_at", "revoked_at"]
    list_select_related = ["workspace"]
    search_fields = ["prefix", "name", "workspace__name"]
    list_filter = ["revoked_at"]
    fields = ["workspace", "name", "prefix", "scopes", "expires_at", "revoked_at", "created_by", "created_at",
              "last_used_at", "last_used_ip"]
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # a key is made by its owner, who must see the secret once; operators only revoke

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset):
        for key in queryset:
            services.apikey_revoke(workspace=key.workspace, actor=request.user, key_id=key.pk)
        messages.success(request, _("%(count)d keys revoked.") % {"count": queryset.count()})


@admin.register(ApiKeyRequest)
class ApiKeyRequestAdmin(admin.ModelAdmin):
    list_display = ["at", "key", "method", "path", "status", "ip", "workspace"]
    list_select_related = ["key", "workspace"]
    search_fields = ["key__prefix", "path"]
    list_filter = ["status", "method"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    # The secret is not shown: an operator who needs to test a receiver uses the owner's test event.
    list_display = ["url", "workspace", "is_active", "failing_since", "created_at"]
    list_select_related = ["workspace"]
    list_filter = ["is_active"]
    search_fields = ["url", "workspace__name"]
    fields = ["workspace", "url", "description", "events", "is_active", "disabled_reason", "failing_since",
              "created_by", "created_at"]
    readonly_fields = ["workspace", "failing_since", "created_by", "created_at"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["event", "endpoint", "status", "attempts", "response_code", "created_at"]
    list_select_related = ["endpoint"]
    list_filter = ["status", "event"]
    search_fields = ["event_id", "endpoint__url"]
    readonly_fields = ["workspace", "endpoint", "event_id", "event", "body", "status", "attempts", "next_attempt_at",
                       "claimed_at", "response_code", "response_excerpt", "created_at", "delivered_at"]

    def has_add_permission(self, request):
        return False
