"""Dashboard figures. Each app exposes a `dashboard_card(workspace)` in its selectors; we ask them here.

A provider may need more than "dashboard:view" (the plan card needs "billing:manage"); members without
that permission do not see the card, and it is not computed for them.
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
# The permission a card's page needs, when it is more than seeing the dashboard: no dead links.
CARD_PERMISSIONS = {"billing.selectors.dashboard_card": "billing:manage"}


def cards(request):
    result = []
    for path in CARD_PROVIDERS:
        # Checked before the provider runs, so an agent's dashboard does not run the plan card's queries.
        if not can(request.membership, CARD_PERMISSIONS.get(path, "dashboard:view")):
            continue
        try:
            provider = import_string(path)
        except ImportError:
            continue  # that app has not landed its selectors yet
        card = provider(request.workspace)
        if card:
            result.append(card)
    return result
