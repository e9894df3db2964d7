"""What happens to a workspace's things when its plan shrinks or grows. Nothing is ever deleted.

When a plan lapses (or is refunded, or the owner moves down to Free) billing calls every PAUSE_HOOK;
when a payment activates a plan it calls every RESUME_HOOK. Hooks are dotted paths, called as
`hook(workspace=<Workspace>, plan=<Package>)`, so billing never imports the apps above it.

- Devices beyond the plan's device limit stop broadcasting (`is_active_for_broadcast=False`); each
  one is remembered in `BillingPause`, so exactly those come back after payment and a device the
  owner switched off by hand stays off.
- Campaigns: the campaigns app provides `campaigns.services.campaigns_pause_for_billing` and
  `campaigns_resume_for_billing` (pause PROCESSING campaigns, resume the ones billing paused). Until
  that module exists the hook is skipped with a log line (see `_call`).
"""
import logging

from django.apps import apps
from django.db import transaction
from django.utils.module_loading import import_string

from .models import BillingPause

logger = logging.getLogger(__name__)

PAUSE_HOOKS = [
    "billing.enforcement.devices_pause_over_limit",
    "campaigns.services.campaigns_pause_for_billing",
]
RESUME_HOOKS = [
    "billing.enforcement.devices_resume_within_limit",
    "campaigns.services.campaigns_resume_for_billing",
]


def _call(path, **kwargs):
    module_path = path.rpartition(".")[0]
    try:
        hook = import_string(path)
    except ImportError as exc:
        missing = getattr(exc, "name", None) or ""
        if missing and (module_path + ".").startswith(missing + "."):
            # The owning app has not landed this hook yet: skip, loudly, rather than fail a payment.
            logger.warning("billing hook %s is not available yet (no module %s); skipped", path, missing)
            return
        raise
    hook(**kwargs)


def plan_shrunk(*, workspace, plan):
    """Pause whatever is over `plan`'s limits (after an expiry, a refund, or a move down)."""
    for path in PAUSE_HOOKS:
        _call(path, workspace=workspace, plan=plan)


def plan_grew(*, workspace, plan):
    """Bring back what billing paused, as far as `plan` allows (after a payment)."""
    for path in RESUME_HOOKS:
        _call(path, workspace=workspace, plan=plan)


def _devices():
    # By name: billing sits below devices in the import map (STYLE.md §1).
    return apps.get_model("devices", "Device")


@transaction.atomic
def devices_pause_over_limit(*, workspace, plan):
    limit = plan.max_devices
    if limit is None:
        return 0
    Device = _devices()
    broadcasting = list(Device.objects.for_workspace(workspace).filter(is_active_for_broadcast=True)
                        .order_by("created_at", "pk").values_list("pk", flat=True))
    # The oldest numbers keep sending: they are the ones customers already know.
    over = broadcasting[limit:]
    if not over:
        return 0
    Device.objects.filter(pk__in=over).update(is_active_for_broadcast=False)
    BillingPause.objects.bulk_create(
        [BillingPause(workspace=workspace, kind=BillingPause.Kind.DEVICE, object_id=pk) for pk in over],
        ignore_conflicts=True)
    logger.info("billing paused %s device(s) of workspace %s (plan %s)", len(over), workspace.pk, plan.code)
    return len(over)


@transaction.atomic
def devices_resume_within_limit(*, workspace, plan):
    Device = _devices()
    pauses = list(BillingPause.objects.for_workspace(workspace).filter(kind=BillingPause.Kind.DEVICE)
                  .order_by("paused_at", "pk"))
    if not pauses:
        return 0
    devices = Device.objects.for_workspace(workspace)
    existing = set(devices.filter(pk__in=[p.object_id for p in pauses]).values_list("pk", flat=True))
    room = None if plan.max_devices is None else max(
        0, plan.max_devices - devices.filter(is_active_for_broadcast=True).count())
    resumed, done = [], []
    for pause in pauses:
        if pause.object_id not in existing:
            done.append(pause.pk)  # the owner deleted that device meanwhile
        elif room is None or len(resumed) < room:
            resumed.append(pause.object_id)
            done.append(pause.pk)
    devices.filter(pk__in=resumed).update(is_active_for_broadcast=True)
    BillingPause.objects.filter(pk__in=done).delete()
    return len(resumed)
