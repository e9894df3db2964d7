"""Reads about devices that other apps and the pages use."""
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Device, WahaServer
from .waha import WahaClient


def device_count(workspace):
    return Device.objects.for_workspace(workspace).count()


def broadcast_devices(workspace):
    """Connected devices switched on for broadcasts."""
    return Device.objects.for_workspace(workspace).filter(status=Device.Status.CONNECTED,
                                                          is_active_for_broadcast=True)


def device_list(workspace):
    return Device.objects.for_workspace(workspace).select_related("health").order_by("created_at", "pk")


def client_for(device) -> WahaClient:
    """The WAHA client bound to the server this device's session lives on."""
    return server_client(device.server)


def server_client(server: WahaServer) -> WahaClient:
    return WahaClient(server.base_url, server.api_key or None)


def server_room(server: WahaServer, used: int) -> int:
    """Free session slots; old WAHA Core images hold exactly one session (named "default")."""
    capacity = 1 if server.core_only_default_session else server.capacity
    return capacity - used


def servers_with_room():
    """Active servers with their free room, most room first (ties: the oldest server)."""
    servers = WahaServer.objects.filter(is_active=True).annotate(used=Count("devices")).order_by("pk")
    ranked = sorted(((server_room(s, s.used), s) for s in servers), key=lambda pair: -pair[0])
    return [(room, server) for room, server in ranked if room > 0]


def dashboard_card(workspace):
    counts = Device.objects.for_workspace(workspace).aggregate(
        total=Count("pk"), connected=Count("pk", filter=Q(status=Device.Status.CONNECTED)))
    if counts["total"] == 0:
        hint = _("Connect a WhatsApp number to start sending.")
    elif counts["connected"] < counts["total"]:
        hint = _("Some numbers are disconnected: open Devices to reconnect them.")
    else:
        hint = _("All numbers are connected.")
    return {"label": _("Devices connected"), "value": f"{counts['connected']} / {counts['total']}",
            "hint": hint, "url": reverse("devices:list")}


def first_step(workspace):
    """The dashboard's first step: a number connected (adding one is not enough, it must be linked)."""
    devices = Device.objects.for_workspace(workspace)
    done = devices.filter(status=Device.Status.CONNECTED).exists()
    # With a number added but not linked yet, the list is where its Connect button is.
    url = reverse("devices:list") if not done and devices.exists() else reverse("devices:add")
    return {"key": "device", "label": _("Connect a WhatsApp number"),
            "hint": _("Scan a QR code or type a pairing code on the phone."), "url": url, "done": done}


# --- Operators' reads: every workspace at once, for the staff-only overview (config/overview.py) -----------

def platform_servers():
    """Every WAHA server with its sessions and room, fullest first, in one grouped query."""
    servers = WahaServer.objects.annotate(
        used=Count("devices"), connected=Count("devices", filter=Q(devices__status=Device.Status.CONNECTED)))
    rows = []
    for server in servers:
        room = server_room(server, server.used)
        capacity = room + server.used
        rows.append({"server": server, "capacity": capacity, "used": server.used, "connected": server.connected,
                     "room": room, "full": room <= 0})
    return sorted(rows, key=lambda row: (row["room"] > 0, row["room"], row["server"].name))


def platform_failing_devices(*, send_failures, min_failures=5, limit=100):
    """Numbers in trouble, with their workspace: WAHA says FAILED, a linked number lost its session, or at
    least `min_failures` of its sends failed lately (`send_failures`: {device id: count}, from campaigns).

    A number that was never linked (no phone yet, waiting for its first scan) is not failing: it is new.
    """
    many = sorted(pk for pk, n in send_failures.items() if n >= min_failures)
    trouble = (Q(waha_status="FAILED") | (Q(status=Device.Status.DISCONNECTED) & ~Q(phone_number=""))
               | Q(pk__in=many))
    failing = Device.objects.filter(trouble)
    rows = list(failing.select_related("workspace", "server").order_by("workspace__name", "pk")[:limit])
    for device in rows:
        device.recent_failures = send_failures.get(device.pk, 0)
    return {"rows": rows, "count": len(rows) if len(rows) < limit else failing.count()}
