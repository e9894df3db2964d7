"""Dashboard figures. Each app exposes a `dashboard_card(workspace)` in its selectors; we ask them here.

Kept as a list of dotted paths so `accounts` imports no app above it at module load (see STYLE.md §1).
"""
from django.utils.module_loading import import_string

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
        if card:
            result.append(card)
    return result
