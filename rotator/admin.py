"""Operators' view of link rotators (read-mostly: owners manage links on their pages)."""
from django.contrib import admin

from .models import LinkRotator, RotatorNumber


class RotatorNumberInline(admin.TabularInline):
    model = RotatorNumber
    extra = 0
    fields = ["phone", "weight", "device", "position"]
    raw_id_fields = ["device"]


@admin.register(LinkRotator)
class LinkRotatorAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "workspace", "mode", "is_active", "click_count", "created_at"]
    list_filter = ["mode", "is_active"]
    search_fields = ["slug", "name", "workspace__name"]
    readonly_fields = ["click_count", "bot_click_count", "created_at", "updated_at"]
    raw_id_fields = ["workspace"]
    inlines = [RotatorNumberInline]
