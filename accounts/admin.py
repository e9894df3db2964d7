"""Operators manage users, workspaces and memberships here."""
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from common.admin_cells import cut, when

from .forms import StaffLoginForm
from .models import Membership, TwoFactor, User, Workspace

admin.site.login_form = StaffLoginForm
admin.site.site_header = admin.site.site_title = _("Sebar operators")
admin.site.index_title = _("Operators' admin")


class MembershipInline(admin.StackedInline):
    model = Membership
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_staff", "is_active", "joined"]
    name = cut("full_name", _("Name"))
    joined = when("date_joined", _("Joined"))
    search_fields = ["email", "full_name"]
    list_filter = ["is_staff", "is_active"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("full_name", "language")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    list_display = ["short_name", "time_zone", "default_region", "created"]
    short_name = cut("name", _("Name"), chars=40)
    created = when("created_at", _("Created"))
    search_fields = ["name", "memberships__user__email"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user_email", "workspace_name", "role", "is_online"]
    list_select_related = ["user", "workspace"]
    user_email = cut("user__email", _("User"), chars=40)
    workspace_name = cut("workspace__name", _("Workspace"))
    list_filter = ["role"]
    search_fields = ["user__email", "workspace__name"]


@admin.register(TwoFactor)
class TwoFactorAdmin(admin.ModelAdmin):
    """Operators reset a member's two-factor sign-in (a lost phone) by deleting the row; the secret is never shown."""

    list_display = ["user", "confirmed_at"]
    search_fields = ["user__email"]
    fields = ["user", "confirmed_at"]
    readonly_fields = ["user", "confirmed_at"]

    def has_add_permission(self, request):
        return False  # only the member can set it up, with their own phone
