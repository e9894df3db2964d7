"""Dashboard figures and first steps: the cards and checklist steps the apps registered (accounts.hooks),
each shown only to members allowed to follow its link, and not computed for the others."""
from . import services
from .hooks import dashboard_card_providers, dashboard_panel_providers, first_step_providers
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


def panels(request):
    """The sections apps registered below the cards, each with the context its provider gives."""
    result = []
    for template, context, permission in dashboard_panel_providers():
        if not can(request.membership, permission):
            continue
        data = context(request) if context else {}
        if data is not None:
            result.append({"template": template, "context": data})
    return result


def first_steps(request):
    """The checklist a new workspace follows, or None once it is hidden, finished or has nothing for this
    member (an agent can do none of the steps). Each step's ``done`` is read from the workspace's data,
    so importing contacts from the API ticks it as surely as the page does."""
    membership = request.membership
    if membership.first_steps_hidden_at is not None:
        return None
    steps = [provider(request.workspace) for provider, permission in first_step_providers()
             if can(membership, permission)]
    if not steps:
        return None
    done = sum(1 for step in steps if step["done"])
    if done == len(steps):
        services.first_steps_hide(membership=membership)
        return None
    return {"steps": steps, "done": done, "total": len(steps)}
