"""Operators' view of link rotators (read-mostly: owners manage links on their pages)."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from common.admin_cells import cut, when

from .models import LinkRotator, RotatorNumber


class RotatorNumberInline(admin.TabularInline):
    model = RotatorNumber
    extra = 0
    fields = ["phone", "weight", "device", "position"]
    raw_id_fields = ["device"]


@admin.register(LinkRotator)
class LinkRotatorAdmin(admin.ModelAdmin):
    list_display = ["short_slug", "short_name", "workspace_name", "mode", "is_active", "click_count", "created"]
    list_display_links = ["short_slug"]
    list_select_related = ["workspace"]
    short_slug = cut("slug", _("Slug"), chars=24)
    short_name = cut("name", _("Name"), chars=24)
    workspace_name = cut("workspace__name", _("Workspace"), chars=24)
    created = when("created_at", _("Created"))
    list_filter = ["mode", "is_active"]
    search_fields = ["slug", "name", "workspace__name"]
    readonly_fields = ["click_count", "bot_click_count", "created_at", "updated_at"]
    raw_id_fields = ["workspace"]
    inlines = [RotatorNumberInline]
