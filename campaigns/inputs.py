"""Reading what users type into the composer and the API the same way: tags, schedules, presets."""
import json

from django.conf import settings
from django.utils.translation import gettext as _

from common.wall_clock import wall_clock_parse
from config.errors import UserError
from devices.models import Device

from . import services, windows
from .models import DEFAULT_DELAY, DELAY_PRESETS, HOURLY_CAP_DEFAULT


def split_tags(value):
    """A list of tag names from a list, a JSON list or "VIP, Lead" (multipart forms send strings)."""
    if value in (None, ""):
        return []
    items = value if isinstance(value, (list, tuple)) else [value]
    tags = []
    for item in items:
        item = str(item).strip()
        if item.startswith("["):
            try:
                tags.extend(str(t).strip() for t in json.loads(item))
                continue
            except (ValueError, RecursionError):
                pass
        tags.extend(t.strip() for t in item.split(","))
    return list(dict.fromkeys(t for t in tags if t))


def parse_schedule(value, workspace):
    """An aware datetime from "2026-05-01 10:00" read in the workspace's time zone; None when empty."""
    if value in (None, ""):
        return None
    try:
        return wall_clock_parse(value, windows.zone(workspace))
    except ValueError:
        raise UserError(_("“%(value)s” is not a date and time. Write it like 2026-05-01 10:00 (%(tz)s time).")
                        % {"value": str(value).strip(), "tz": workspace.time_zone},
                        fields={"schedule": _("bad format")}) from None


def delay_range(preset=None, delay_min=None, delay_max=None):
    """(min, max) seconds from a preset name or explicit values, checked against the server's floor."""
    if preset:
        if preset not in DELAY_PRESETS:
            raise UserError(_("Unknown speed preset “%(p)s”; use one of %(all)s.")
                            % {"p": preset, "all": ", ".join(DELAY_PRESETS)}, fields={"preset": _("unknown")})
        low, high = DELAY_PRESETS[preset]
    else:
        low = DEFAULT_DELAY[0] if delay_min in (None, "") else float(delay_min)
        high = max(low, DEFAULT_DELAY[1]) if delay_max in (None, "") else float(delay_max)
    floor = settings.SEBAR_MIN_DELAY_SECONDS
    if low < floor:
        raise UserError(_("The minimum delay on this server is %(floor)s seconds; %(low)s is too fast.")
                        % {"floor": floor, "low": low}, fields={"delay_min": _("below %(f)s s") % {"f": floor}})
    if high < low:
        raise UserError(_("The maximum delay (%(high)s s) must be at least the minimum (%(low)s s).")
                        % {"high": high, "low": low}, fields={"delay_max": _("smaller than the minimum")})
    return low, high


def resolve_devices(workspace, session_names):
    if not session_names:
        return []
    devices = list(Device.objects.for_workspace(workspace).filter(session_name__in=session_names))
    missing = sorted(set(session_names) - {d.session_name for d in devices})
    if missing:
        raise UserError(_("Unknown device(s): %(names)s. Use the session names listed under Devices.")
                        % {"names": ", ".join(missing)},
                        fields={"devices": ", ".join(missing)})
    return devices


def _hourly_cap(value):
    """An empty field keeps the default cap; only a typed 0 turns it off."""
    return HOURLY_CAP_DEFAULT if value in (None, "") else value


def campaign_fields(request, data):
    """The keywords of services.campaign_create / campaign_draft_save from what the API or the composer read."""
    workspace = request.workspace
    low, high = delay_range(data.get("preset"), data.get("delay_min"), data.get("delay_max"))
    return {
        "name": data.get("name") or "", "message": data["message"], "tags": data.get("tags") or [],
        "exclude_tags": data.get("exclude_tags") or [],
        "devices": resolve_devices(workspace, data.get("devices") or []), "media": data.get("media"),
        "delay_min": low, "delay_max": high, "typing_simulation": data.get("typing_simulation", True),
        "daily_cap_per_device": data.get("daily_cap_per_device") or 0,
        "hourly_cap_per_device": _hourly_cap(data.get("hourly_cap_per_device")), "quiet_start": data.get("quiet_start"),
        "quiet_end": data.get("quiet_end"), "schedule": parse_schedule(data.get("schedule"), workspace)}


def start_campaign(request, data, *, draft=False, campaign=None):
    """Shared by the API and the composer page: read the inputs, then create the campaign and start it, or
    only save it when `draft`. `campaign` is a draft being edited: it is saved with the inputs, then started
    (unless `draft`) by services.campaign_start_draft, the one start path for drafts."""
    fields = campaign_fields(request, data)
    if campaign is None:
        return services.campaign_create(workspace=request.workspace, actor=request.user, draft=draft, **fields)
    services.campaign_draft_save(campaign=campaign, **fields)
    return campaign if draft else services.campaign_start_draft(campaign=campaign)
