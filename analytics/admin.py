"""Operators' read-only view of the daily figures (for checking a dashboard against its source)."""
from django.contrib import admin

from .models import DailyStat


@admin.register(DailyStat)
class DailyStatAdmin(admin.ModelAdmin):
    list_display = ("workspace", "day", "metric", "device_key", "value")
    list_filter = ("metric",)
    date_hierarchy = "day"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
