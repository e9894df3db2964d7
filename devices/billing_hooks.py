"""What a plan change does to a workspace's numbers; registered with billing from DevicesConfig.ready().

Devices beyond the plan's device limit stop broadcasting; billing remembers each one in `BillingPause`,
so exactly those come back after payment and a device the owner switched off by hand stays off. The
switch goes through `services.devices_broadcast_set`, like the owner's own switch, so everything that
listens to device changes (the rotator's cache) hears of it.
"""
import logging

from django.db import transaction

from billing.models import BillingPause

from .models import Device
from .services import devices_broadcast_set

logger = logging.getLogger(__name__)


@transaction.atomic
def devices_pause_over_limit(*, workspace, plan):
    limit = plan.max_devices
    if limit is None:
        return 0
    broadcasting = list(Device.objects.for_workspace(workspace).filter(is_active_for_broadcast=True)
                        .order_by("created_at", "pk"))
    # The oldest numbers keep sending: they are the ones customers already know.
    over = broadcasting[limit:]
    if not over:
        return 0
    devices_broadcast_set(devices=over, on=False)
    BillingPause.objects.bulk_create(
        [BillingPause(workspace=workspace, kind=BillingPause.Kind.DEVICE, object_id=d.pk) for d in over],
        ignore_conflicts=True)
    logger.info("billing paused %s device(s) of workspace %s (plan %s)", len(over), workspace.pk, plan.code)
    return len(over)


@transaction.atomic
def devices_resume_within_limit(*, workspace, plan):
    pauses = list(BillingPause.objects.for_workspace(workspace).filter(kind=BillingPause.Kind.DEVICE)
                  .order_by("paused_at", "pk"))
    if not pauses:
        return 0
    devices = Device.objects.for_workspace(workspace)
    existing = {d.pk: d for d in devices.filter(pk__in=[p.object_id for p in pauses])}
    room = None if plan.max_devices is None else max(
        0, plan.max_devices - devices.filter(is_active_for_broadcast=True).count())
    resumed, done = [], []
    for pause in pauses:
        if pause.object_id not in existing:
            done.append(pause.pk)  # the owner deleted that device meanwhile
        elif room is None or len(resumed) < room:
            resumed.append(existing[pause.object_id])
            done.append(pause.pk)
    devices_broadcast_set(devices=resumed, on=True)
    BillingPause.objects.filter(pk__in=done).delete()
    return len(resumed)
