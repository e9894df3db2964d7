"""Writing audit entries: `audit_record`, called from the one service of each sensitive action.

An audit entry must never cost the customer their action: whatever goes wrong here is logged and the caller
carries on. Inside the caller's transaction the entry is written in it (a savepoint, so a failed insert cannot
break the transaction either): an action rolled back leaves no entry saying it happened.
"""
import ipaddress
import logging

from django.db import transaction

from accounts.services import client_ip

from . import actions
from .context import current_request
from .models import AuditEntry

log = logging.getLogger(__name__)

USER_AGENT_MAX = AuditEntry._meta.get_field("user_agent").max_length
TARGET_MAX = AuditEntry._meta.get_field("target").max_length


def api_key_of(request):
    """The API key that authenticated `request`, or None. DRF's request.auth is the ApiKey for a key (a JWT's
    token has no prefix); audit cannot import integrations, so it asks for the prefix by name."""
    prefix = getattr(getattr(request, "auth", None), "prefix", None)
    return prefix if isinstance(prefix, str) else None


def _address(request):
    try:
        return str(ipaddress.ip_address(client_ip(request)))
    except ValueError:  # no address, or a forwarded header that is none
        return None


def audit_record(*, action, workspace=None, actor=None, request=None, target="", **details):
    """Record `action` (a code of actions.ACTIONS) and return the entry, or None when it could not be written.

    `request` defaults to the one being answered (audit.context); `actor` to its signed-in user. `details` are
    small figures (counts, field names), never secrets or personal data beyond the target."""
    try:
        if action not in actions.ACTIONS:
            raise KeyError(f"Unknown audit action {action!r}: add it to audit.actions.ACTIONS")
        request = request if request is not None else current_request()
        if actor is None and request is not None:
            user = getattr(request, "user", None)
            actor = user if getattr(user, "is_authenticated", False) else None
        key = api_key_of(request) if request is not None else None
        entry = AuditEntry(
            workspace=workspace, actor=actor, action=action, target=str(target or "")[:TARGET_MAX], details=details,
            actor_label=(f"API key {key}" if key else (actor.email if actor else ""))[:150],
            ip=_address(request) if request is not None else None,
            user_agent=(request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:USER_AGENT_MAX])
        with transaction.atomic():
            entry.save()
        return entry
    except Exception:
        log.exception("Audit entry %s was not recorded", action)
        return None
