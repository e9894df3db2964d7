"""Reads about devices that other apps use."""
from .models import Device


def device_count(workspace):
    return Device.objects.for_workspace(workspace).count()


def broadcast_devices(workspace):
    """Connected devices switched on for broadcasts."""
    return Device.objects.for_workspace(workspace).filter(status=Device.Status.CONNECTED,
                                                          is_active_for_broadcast=True)
