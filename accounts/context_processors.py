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
    ("rotator:list", _("Link rotator"), "link", "rotator:view"),
    ("accounts:team", _("Team"), "team", "team:manage"),
    ("billing:index", _("Billing"), "card", "billing:manage"),
]


def sebar(request):
    membership = getattr(request, "membership", None)
    nav = []
    if membership is not None:
        current = request.path
        for name, label, icon, perm in NAVIGATION:
            if not can(membership, perm):
                continue
            url = reverse(name)
            active = current == url if url == "/" else current.startswith(url)
            nav.append({"url": url, "label": label, "icon": icon, "active": active})
    return {
        "nav_items": nav,
        "sandbox_mode": settings.SANDBOX_MODE,
        "membership": membership,
        "workspace": getattr(request, "workspace", None),
    }
