"""Reads about devices that other apps and the pages use."""
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .health_reasons import brake_effect, brake_why, when_words
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
    card = {"label": _("Devices connected"), "value": f"{counts['connected']} / {counts['total']}",
            "hint": hint, "url": reverse("devices:list")}
    braked = braked_devices(workspace)
    if braked:
        card["alert"] = braked_banner(braked)
    return card


def braked_devices(workspace):
    """[(device, BrakeState)] of the workspace's connected numbers the engine brakes now (one query)."""
    from .health import devices_brakes  # health reads this module's client_for: imported when used

    devices = {d.pk: d for d in Device.objects.for_workspace(workspace).filter(status=Device.Status.CONNECTED)}
    return [(devices[pk], state) for pk, state in devices_brakes(list(devices)).items() if state.level]


def braked_banner(braked):
    """The dashboard's words while any number is braked: which, why, what it does meanwhile and until when."""
    parts = []
    for device, state in braked:
        words = {"name": device, "why": brake_why(state.code), "effect": brake_effect(state.level)}
        if state.until:
            parts.append(_("%(name)s %(effect)s until %(until)s (%(why)s)") % {**words,
                                                                              "until": when_words(state.until)})
        else:
            parts.append(_("%(name)s %(effect)s (%(why)s)") % words)
    return ngettext("WhatsApp's signals brake %(count)s number: %(list)s. Its work goes to your other numbers; "
                    "see its health page.",
                    "WhatsApp's signals brake %(count)s numbers: %(list)s. Their work goes to your other numbers; "
                    "see their health pages.", len(parts)) % {"count": len(parts), "list": "; ".join(parts)}


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
