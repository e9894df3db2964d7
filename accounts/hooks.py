"""What apps above accounts plug into it, registered from their own ``AppConfig.ready()`` (STYLE.md §1).

accounts imports no Sebar app, yet the dashboard shows every app's figures and first steps (and analytics'
charts as a panel), the public home page shows billing's plans and the team page needs the plan's agent seats.
So the upper apps register here: a missing registration is an error at the call, never a feature that
silently turns off because a dotted path had a typo.
"""
from django.core.exceptions import ImproperlyConfigured
from django.dispatch import Signal

# A sensitive action for the audit log (audit, above accounts, connects it): send(sender, action=..., actor=...,
# workspace=..., target=..., **figures). Sign-ins need none: audit hears Django's own auth signals.
sensitive_action = Signal()

_cards: list[tuple[int, object, str]] = []
_steps: list[tuple[int, object, str]] = []
_panels: list[tuple[int, tuple, str]] = []
_seats = None
_plans = None


def register_dashboard_card(provider, *, permission="dashboard:view", order=100):
    """``provider(workspace)`` → a card dict or None. ``permission``: what a member needs to see it (its
    link must not be a dead end), checked before the provider runs, so no query is spent for nothing."""
    if all(existing is not provider for _order, existing, _perm in _cards):
        _cards.append((order, provider, permission))
        _cards.sort(key=lambda item: item[0])


def dashboard_card_providers():
    return [(provider, permission) for _order, provider, permission in _cards]


def register_dashboard_panel(template, *, context=None, permission="dashboard:view", order=100):
    """A section of the dashboard below the cards: ``template`` is included with ``panel`` set to
    ``context(request)`` (a dict; None skips it). ``permission``: what a member needs to see it."""
    if all(existing[0] != template for _order, existing, _perm in _panels):
        _panels.append((order, (template, context), permission))
        _panels.sort(key=lambda item: item[0])


def dashboard_panel_providers():
    return [(template, context, permission) for _order, (template, context), permission in _panels]


def register_first_step(provider, *, permission, order=100):
    """A step of the dashboard's first-steps checklist. ``provider(workspace)`` → ``{"key", "label", "hint",
    "url", "done"}``, ``done`` read from the workspace's data. ``permission``: what doing the step needs;
    a member without it is not shown the step (nor its query)."""
    if all(existing is not provider for _order, existing, _perm in _steps):
        _steps.append((order, provider, permission))
        _steps.sort(key=lambda item: item[0])


def first_step_providers():
    return [(provider, permission) for _order, provider, permission in _steps]


def register_public_plans(provider):
    """``provider()`` → the plans a visitor may buy, as dicts ``{"code", "name", "description", "price",
    "features"}`` (``price`` formatted, None when free; ``features``: ``[{"text", "on"}]``)."""
    global _plans
    _plans = provider


def public_plans():
    if _plans is None:
        raise ImproperlyConfigured("No public plans are registered: billing registers them in BillingConfig.ready().")
    return _plans()


class SeatPolicy:
    """How many agents a workspace may have: ``reserve(workspace, adding)`` raises when they don't fit."""

    def reserve(self, workspace, adding=1):
        raise NotImplementedError

    def usage(self, workspace):
        raise NotImplementedError

    def limit(self, workspace):
        raise NotImplementedError


def register_seat_policy(policy):
    global _seats
    _seats = policy


def seat_policy():
    if _seats is None:
        raise ImproperlyConfigured("No agent seat policy is registered: billing registers it in BillingConfig.ready().")
    return _seats
