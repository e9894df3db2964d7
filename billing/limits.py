"""The one function every app asks before it adds something a plan limits: `check(workspace, resource)`.

Resources: "devices", "contacts", "rotators", "agents", "daily_messages", and features such as
"ai_replies". Usage is counted by the app that owns the resource (dotted paths below keep billing free
of upward imports). Until the billing models land, every workspace is on the built-in Free limits.
"""
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .errors import LimitReached

# resource -> function(workspace) -> current use
USAGE_COUNTERS = {
    "devices": "devices.selectors.device_count",
    "contacts": "contacts.selectors.contact_count",
    "rotators": "rotator.selectors.rotator_count",
    "agents": "accounts.selectors.agent_count",
    "daily_messages": "campaigns.selectors.messages_sent_today",
}
UNLIMITED = None
FREE_LIMITS = {"devices": 1, "contacts": 500, "rotators": 3, "agents": 1, "daily_messages": 500,
               "ai_replies": False}
LABELS = {"devices": _("devices"), "contacts": _("contacts"), "rotators": _("link rotators"),
          "agents": _("agents"), "daily_messages": _("messages a day")}


def limit_for(workspace, resource):
    """The workspace's current limit for a resource (None = unlimited; bool for features)."""
    return FREE_LIMITS.get(resource, UNLIMITED)


def usage(workspace, resource):
    return import_string(USAGE_COUNTERS[resource])(workspace)


def remaining(workspace, resource):
    limit = limit_for(workspace, resource)
    if limit is UNLIMITED:
        return None
    return max(0, limit - usage(workspace, resource))


def check(workspace, resource, adding=1):
    """Raise LimitReached if adding `adding` more of `resource` would pass the plan's limit."""
    limit = limit_for(workspace, resource)
    if isinstance(limit, bool):
        if not limit:
            raise LimitReached(
                _("Your plan does not include %(feature)s. Upgrade to Pro to use it.") % {"feature": resource},
                resource=resource, limit=0, used=0, upgrade_to="Pro")
        return
    if limit is UNLIMITED:
        return
    used = usage(workspace, resource)
    if used + adding > limit:
        raise LimitReached(
            _("Your plan allows %(limit)s %(what)s and you have %(used)s. Remove some or upgrade your plan "
              "under Billing.") % {"limit": limit, "what": LABELS.get(resource, resource), "used": used},
            resource=resource, limit=limit, used=used, upgrade_to=None)
