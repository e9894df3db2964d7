"""What the pages say about braked numbers: the dashboard's banner and the health page's brake line."""
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import selectors
from .health import BrakeState, annotate_brake_flaps, brake_from, device_health_of
from .health_reasons import brake_effect, brake_why, changes_text, when_words
from .models import Device


def dashboard_card(workspace):
    """The devices card of the dashboard (``selectors.dashboard_card``) with a banner while any number is braked."""
    card = selectors.dashboard_card(workspace)
    braked = braked_devices(workspace)
    if braked:
        card["alert"] = braked_banner(braked)
    return card


def braked_devices(workspace):
    """[(device, BrakeState)] of the workspace's connected numbers the engine brakes now (one query)."""
    devices = annotate_brake_flaps(Device.objects.for_workspace(workspace).filter(status=Device.Status.CONNECTED)
                                   .select_related("health"))
    now = timezone.now()
    return [(device, state) for device in devices if (state := brake_from(device_health_of(device),
                                                                          device.brake_flaps, now)).level]


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


def brake_words(state: BrakeState) -> str:
    """What the brake does to the number, in the active language ("" when none)."""
    if not state.level:
        return ""
    return changes_text([{"code": "brake_on", "params": {"level": state.level, "why": state.code,
                                                         "until": state.until.isoformat() if state.until else ""}}])
