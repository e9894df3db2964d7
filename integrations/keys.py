"""API key material and the scope map: how a key looks, how its secret is hashed, and which scope each API view
needs. Plain Python and dotted paths only, so the DRF authentication class can load it while DRF itself loads.

A key reads `sk_AbCd1234_<secret>`: the first 11 characters are the public prefix (unique, shown in lists and
logs), then `_`, then the secret, which is stored only as its SHA-256.
"""
import hashlib
import hmac
import secrets
import string

from django.utils.translation import gettext_lazy as _

PREFIX_START = "sk_"
PREFIX_LENGTH = len(PREFIX_START) + 8
_PREFIX_ALPHABET = string.ascii_letters + string.digits

# Each scope and what it opens, as the settings page and the API docs say it.
SCOPES = {
    "send": _("Send WhatsApp messages"),
    "contacts:read": _("Read contacts, tags and imports"),
    "contacts:write": _("Add, change, import and delete contacts"),
    "campaigns": _("Create, start and follow broadcasts"),
    "inbox": _("Read chats and their messages"),
    "webhooks": _("Manage outbound webhooks"),
}

# The one map from API view to the scope a key needs there: "module.Class" -> scope, or (scope for reads,
# scope for writes). Matched on the exact class, never a parent, so a new subclass starts closed. A view not
# listed here is refused to every key (key management, team, billing, devices, ...): opening one is a line here.
VIEW_SCOPES = {
    "contacts.api.views.ContactViewSet": ("contacts:read", "contacts:write"),
    "contacts.api.views.ContactBulkView": "contacts:write",
    "contacts.api.views.ContactExportView": "contacts:read",
    "contacts.api.views.ContactUploadView": "contacts:write",
    "contacts.api.views.ImportJobView": ("contacts:read", "contacts:write"),
    "contacts.api.views.ImportRejectsView": "contacts:read",
    "contacts.api.views.GroupListView": "contacts:read",
    "contacts.api.views.GroupGrabView": "contacts:write",
    "campaigns.api.views.CampaignStartView": "campaigns",
    "campaigns.api.views.CampaignPreviewView": "campaigns",
    "campaigns.api.views.CampaignListView": "campaigns",
    "campaigns.api.views.CampaignStatsView": "campaigns",
    "campaigns.api.views.CampaignDetailView": "campaigns",
    "campaigns.api.views.CampaignExportView": "campaigns",
    "campaigns.api.views.CampaignActionView": "campaigns",
    "campaigns.api.views.CampaignStartDraftView": "campaigns",
    "campaigns.api.views.AudienceCountView": "campaigns",
    "inbox.api.views.ChatListView": "inbox",
    "inbox.api.views.ChatMessagesView": "inbox",
    "inbox.api.views.ChatMessageMediaView": "inbox",
    "inbox.api.views.ChatToggleBotView": "inbox",
    "inbox.api.views.ChatAssignView": "inbox",
    # A reply goes out on WhatsApp like any message: reading chats alone does not allow it.
    "inbox.api.views.ChatSendView": "send",
    "campaigns.api.messages.MessageSendView": "send",
    "campaigns.api.messages.MessageBulkView": "send",
    "campaigns.api.messages.MessageDetailView": "send",
    "integrations.api.webhooks.WebhookEndpointListView": "webhooks",
    "integrations.api.webhooks.WebhookEndpointDetailView": "webhooks",
    "integrations.api.webhooks.WebhookEndpointTestView": "webhooks",
    "integrations.api.webhooks.WebhookDeliveryListView": "webhooks",
    "integrations.api.webhooks.WebhookDeliveryAgainView": "webhooks",
}
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def scope_for(view, method):
    """The scope a key needs for `method` on `view`, or None when keys may not use the view at all."""
    cls = type(view)
    needed = VIEW_SCOPES.get(f"{cls.__module__}.{cls.__qualname__}")
    if isinstance(needed, tuple):
        return needed[0] if method in SAFE_METHODS else needed[1]
    return needed


def new_prefix():
    return PREFIX_START + "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(PREFIX_LENGTH - len(PREFIX_START)))


def new_secret():
    return secrets.token_urlsafe(32)


def secret_hash(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


def split(raw):
    """(prefix, secret) of a key as sent, or None when it is not shaped like one."""
    raw = (raw or "").strip()
    prefix, sep, secret = raw[:PREFIX_LENGTH], raw[PREFIX_LENGTH:PREFIX_LENGTH + 1], raw[PREFIX_LENGTH + 1:]
    if not prefix.startswith(PREFIX_START) or sep != "_" or not secret or len(raw) > 200:
        return None
    if not all(c in _PREFIX_ALPHABET for c in prefix[len(PREFIX_START):]):
        return None
    return prefix, secret


def secret_matches(secret, stored_hash):
    # Constant time, so the answer's timing says nothing about how much of a guess was right.
    return hmac.compare_digest(secret_hash(secret), stored_hash)
