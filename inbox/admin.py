"""Operators' view of the inbox: every tenant's conversations, messages and auto-reply rules.

Conversations and messages are what customers and members wrote: operators look them up (a support
question, a delivery that failed) but never add or rewrite one, so both are view-only. Auto-reply rules
are the workspace's settings; an operator may switch one off or fix it for a shop that asked.
"""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from common.admin_cells import cut, cut_text, when

from .models import AutoReply, Chat, Message


class ViewOnlyAdmin(admin.ModelAdmin):
    """Shown, searched and filtered, never added or edited here (the change page shows the values)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Chat)
class ChatAdmin(ViewOnlyAdmin):
    list_display = ["who", "workspace_name", "number", "kind", "needs_human", "bot_enabled", "unread_count", "last"]
    list_display_links = ["who"]
    list_filter = ["kind", "needs_human", "bot_enabled"]
    # display_name reads the contact, and the number column the device: joined, not one query per row.
    list_select_related = ["workspace", "device", "contact"]
    search_fields = ["phone", "name", "contact__name"]
    show_full_result_count = False  # a chat per customer per number: no COUNT(*) over all of them per page
    workspace_name = cut("workspace__name", _("Workspace"), chars=24)
    number = cut("device", _("Number"), chars=20, ordering="device__label")
    last = when("last_message_at", _("Last message"))

    @admin.display(description=_("Customer"), ordering="name")
    def who(self, chat):
        return cut_text(chat.display_name)


@admin.register(Message)
class MessageAdmin(ViewOnlyAdmin):
    list_display = ["short_text", "chat_phone", "workspace_name", "direction", "sender", "send_state", "at"]
    list_display_links = ["short_text"]
    list_filter = ["direction", "sender", "send_state", "media_type"]
    list_select_related = ["chat", "workspace"]
    # By the customer's number or WAHA's id: a LIKE over every message body would scan the biggest table.
    search_fields = ["chat__phone", "waha_id"]
    show_full_result_count = False
    short_text = cut("text", _("Text"), chars=40)
    chat_phone = cut("chat__phone", _("Phone"), chars=20)
    workspace_name = cut("workspace__name", _("Workspace"), chars=24)
    at = when("timestamp", _("Time"))


@admin.register(AutoReply)
class AutoReplyAdmin(admin.ModelAdmin):
    list_display = ["short_keyword", "workspace_name", "match_type", "priority", "is_active", "hit_count"]
    list_display_links = ["short_keyword"]
    list_filter = ["match_type", "is_active"]
    list_select_related = ["workspace"]
    search_fields = ["keyword", "workspace__name"]
    # Devices by id: a picker would list every tenant's numbers.
    raw_id_fields = ["workspace", "devices"]
    readonly_fields = ["hit_count", "created_at"]
    short_keyword = cut("keyword", _("Keyword"))
    workspace_name = cut("workspace__name", _("Workspace"), chars=24)
