"""Dashboard figures: the cards the apps registered (accounts.hooks), each shown only to members allowed
to follow its link, and not computed for the others."""
from .hooks import dashboard_card_providers
from .permissions import can


def cards(request):
    result = []
    for provider, permission in dashboard_card_providers():
        if not can(request.membership, permission):
            continue
        card = provider(request.workspace)
        if card:
            result.append(card)
    return result
