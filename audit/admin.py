"""Operators read every workspace's audit entries here; nobody adds, changes or deletes one."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "workspace", "action_label", "actor_label", "target", "ip"]
    list_select_related = ["workspace"]
    list_filter = ["action", "created_at"]
    search_fields = ["workspace__name", "actor_label", "target", "ip"]
    date_hierarchy = "created_at"
    fields = ["created_at", "workspace", "action", "actor", "actor_label", "target", "details", "ip", "user_agent"]
    readonly_fields = fields

    @admin.display(description=_("Action"), ordering="action")
    def action_label(self, entry):
        return entry.action_label

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
