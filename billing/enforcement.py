"""What happens to a workspace's things when its plan shrinks or grows. Nothing is ever deleted.

When a plan lapses (or is refunded, or the owner moves down to Free) billing calls every pause hook;
when a payment activates a plan it calls every resume hook, as `hook(workspace=..., plan=...)`. The
apps that own the paused things register their hooks from their `AppConfig.ready()`, so billing never
imports them: devices stop broadcasting beyond the device limit (`devices/billing_hooks.py`), campaigns
pause (`campaigns_pause_for_billing`). What billing paused is remembered in `BillingPause`, so exactly
those come back after payment and what the owner switched off by hand stays off.
"""
PAUSE_HOOKS: list[tuple[int, object]] = []
RESUME_HOOKS: list[tuple[int, object]] = []


def register(*, pause, resume, order=100):
    """Register a pair; lower ``order`` runs first (devices before campaigns)."""
    for hooks, hook in ((PAUSE_HOOKS, pause), (RESUME_HOOKS, resume)):
        if all(existing is not hook for _order, existing in hooks):
            hooks.append((order, hook))
            hooks.sort(key=lambda item: item[0])


def plan_shrunk(*, workspace, plan):
    """Pause whatever is over `plan`'s limits (after an expiry, a refund, or a move down)."""
    for _order, hook in PAUSE_HOOKS:
        hook(workspace=workspace, plan=plan)


def plan_grew(*, workspace, plan):
    """Bring back what billing paused, as far as `plan` allows (after a payment)."""
    for _order, hook in RESUME_HOOKS:
        hook(workspace=workspace, plan=plan)
