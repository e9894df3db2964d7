"""What an owner changes about their workspace (business name, time zone, phone region, language): the
choices the page and the API offer, the checks the model runs, and the one write both call.

Before this only an operator could change them in the admin, typing a zone or a region code by hand.
"""
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from phonenumbers.geodata.locale import LOCALE_DATA

# Shown first: most Sebar shops are in one of Indonesia's three zones.
INDONESIAN_ZONES = {
    "Asia/Jakarta": gettext_lazy("WIB"),
    "Asia/Makassar": gettext_lazy("WITA"),
    "Asia/Jayapura": gettext_lazy("WIT"),
}
# Zones people live in are named Area/City; the other names the database carries (US/Eastern, Etc/GMT-7,
# GB, EST5EDT) are aliases kept for old software and would only make the list longer.
_AREAS = {"Africa", "America", "Antarctica", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific"}
# Regions phonenumbers knows but has no name for in its locale data.
_UNNAMED_REGIONS = {"AC": "Ascension Island", "TA": "Tristan da Cunha", "XK": "Kosovo"}


@lru_cache(maxsize=1)
def _zone_names():
    """Every zone name Python can load, read once (available_timezones() walks the zone files)."""
    return frozenset(available_timezones())


@lru_cache(maxsize=1)
def _listed_zones():
    return sorted(name for name in _zone_names() if name.split("/", 1)[0] in _AREAS and "/" in name)


def _offset(name, now):
    offset = now.astimezone(ZoneInfo(name)).utcoffset()
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def time_zone_choices(current=""):
    """Grouped choices for a select: Indonesia's zones first, then every Area/City zone with its offset
    today. A `current` value outside the list (an alias set in the admin) is kept, so saving the page does
    not change it silently."""
    now = datetime.now(ZoneInfo("UTC"))
    indonesia = [(name, f"{name} ({label}, {_offset(name, now)})") for name, label in INDONESIAN_ZONES.items()]
    others = [(name, f"{name} ({_offset(name, now)})") for name in _listed_zones() if name not in INDONESIAN_ZONES]
    if current and current not in INDONESIAN_ZONES and current in _zone_names() and current not in _listed_zones():
        others.insert(0, (current, current))
    others.append(("UTC", "UTC"))
    return [(_("Indonesia"), indonesia), (_("Every time zone"), others)]


def validate_time_zone(value):
    if value not in _zone_names():
        raise ValidationError(_("“%(zone)s” is not a time zone. Choose one from the list, e.g. Asia/Jakarta.")
                              % {"zone": value}, code="invalid_time_zone")


def region_name(code, language=None):
    """The region's name in `language` (default: the active one), from phonenumbers' own locale data."""
    names = LOCALE_DATA.get(code, {})
    language = (language or translation.get_language() or "en").split("-")[0]
    for lang in (language, "en"):
        name = names.get(lang, "")
        if name.startswith("*"):  # "*xx": the same name as language xx
            name = names.get(name[1:], "")
        if name:
            return name
    return _UNNAMED_REGIONS.get(code, code)


def region_choices():
    """Every phone region as "Indonesia (+62)", sorted by name in the reader's language."""
    regions = [(code, region_name(code), phonenumbers.country_code_for_region(code))
               for code in phonenumbers.SUPPORTED_REGIONS]
    return [(code, f"{name} (+{calling})") for code, name, calling in sorted(regions, key=lambda r: r[1].lower())]


def validate_region(value):
    if value not in phonenumbers.SUPPORTED_REGIONS:
        raise ValidationError(_("“%(region)s” is not a phone region. Choose a country from the list.")
                              % {"region": value}, code="invalid_region")


def language_choices():
    """The languages Sebar is translated into (settings.LANGUAGES); a callable so the migration names it
    instead of copying the list."""
    return [(code, str(name)) for code, name in settings.LANGUAGES]


def default_language():
    return settings.LANGUAGE_CODE


def supported_language(code):
    """`code` when Sebar is translated into it, else "" (a blank or unknown value means "no choice")."""
    return code if code in dict(settings.LANGUAGES) else ""


def workspace_update(*, workspace, name=None, time_zone=None, default_region=None, language=None):
    """An owner changes the workspace's own settings; None leaves a field as it is. The model checks each
    value (full_clean) and a bad one raises UserError naming its field."""
    # Here, not at the top: accounts.models imports this module while the apps load, and config.errors imports
    # DRF, whose settings load accounts.authentication, which needs this module again.
    from config.errors import UserError

    changes = {"name": name, "time_zone": time_zone, "default_region": default_region, "language": language}
    changes = {field: value.strip() for field, value in changes.items() if value is not None}
    # A fresh row: a refused change must not linger on the caller's object (the page still renders with it).
    workspace = type(workspace).objects.get(pk=workspace.pk)
    for field, value in changes.items():
        setattr(workspace, field, value)
    try:
        workspace.full_clean()
    except ValidationError as exc:
        fields = {k: str(v[0]) for k, v in exc.message_dict.items()}
        raise UserError(" ".join(fields.values()), fields=fields) from None
    workspace.save(update_fields=list(changes))
    return workspace
