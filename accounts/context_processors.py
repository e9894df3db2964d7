"""Template context every page needs: navigation (filtered by role), sandbox flag, languages."""
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .permissions import can

# (url name, label, icon name, permission): the sidebar, in order.
NAVIGATION = [
    ("accounts:dashboard", _("Dashboard"), "home", "dashboard:view"),
    ("devices:list", _("Devices"), "phone", "devices:view"),
    ("contacts:list", _("Contacts"), "users", "contacts:view"),
    ("campaigns:list", _("Campaigns"), "send", "campaigns:view"),
    ("inbox:index", _("Inbox"), "inbox", "inbox:use"),
    ("inbox:autoreplies", _("Auto-replies"), "bot", "autoreplies:view"),
    ("flows:list", _("Flows"), "flow", "flows:view"),
    ("rotator:list", _("Link rotator"), "link", "rotator:view"),
    ("accounts:team", _("Team"), "team", "team:manage"),
    ("billing:index", _("Billing"), "card", "billing:manage"),
    ("accounts:settings", _("Settings"), "settings", "settings:manage"),
]


def sebar(request):
    membership = getattr(request, "membership", None)
    nav = []
    if membership is not None:
        current = request.path
        for name, label, icon, perm in NAVIGATION:
            if can(membership, perm):
                nav.append({"url": reverse(name), "label": label, "icon": icon, "active": False})
        # The longest matching prefix wins, so /inbox/auto-replies/ lights Auto-replies, not Inbox too.
        matches = [item for item in nav if current == item["url"] or (item["url"] != "/" and
                                                                     current.startswith(item["url"]))]
        if matches:
            max(matches, key=lambda item: len(item["url"]))["active"] = True
    return {
        "nav_items": nav,
        "sandbox_mode": settings.SANDBOX_MODE,
        "membership": membership,
        "workspace": getattr(request, "workspace", None),
    }
