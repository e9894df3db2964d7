"""Dashboard figures. Each app exposes a `dashboard_card(workspace)` in its selectors; we ask them here.

A card may carry "permission" (e.g. "billing:manage"): it is shown only to members whose role has it.
Kept as a list of dotted paths so `accounts` imports no app above it at module load (see STYLE.md §1).
"""
from django.utils.module_loading import import_string

from .permissions import can

CARD_PROVIDERS = [
    "devices.selectors.dashboard_card",
    "contacts.selectors.dashboard_card",
    "campaigns.selectors.dashboard_card",
    "inbox.selectors.dashboard_card",
    "rotator.selectors.dashboard_card",
    "billing.selectors.dashboard_card",
]


def cards(request):
    result = []
    for path in CARD_PROVIDERS:
        try:
            provider = import_string(path)
        except ImportError:
            continue  # that app has not landed its selectors yet
        card = provider(request.workspace)
        # A card may name the permission its page needs; members without it do not see a dead link.
        if card and can(request.membership, card.get("permission", "dashboard:view")):
            result.append(card)
    return result
