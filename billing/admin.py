"""Operators edit plans and confirm bank transfers here ("Mark paid" calls the billing service)."""
from django.contrib import admin

from .models import BillingPause, Package


@admin.register(Package)
class PackageAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "price", "max_devices", "max_contacts", "is_public", "sort_order"]
    list_editable = ["price", "is_public", "sort_order"]
    search_fields = ["name", "code"]


@admin.register(BillingPause)
class BillingPauseAdmin(admin.ModelAdmin):
    list_display = ["workspace", "kind", "object_id", "paused_at"]
    list_filter = ["kind"]
