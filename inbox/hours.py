"""Business hours: a week of opening times and a list of holidays, read in the workspace's own zone
(`Workspace.zone`, the one the zone middleware and the campaigns' quiet hours use).

A week is seven days, Monday first, each None (closed) or ("09:00", "17:00"): one span a day, closing after it
opens. An owner who works past midnight writes the span up to 23:59 and the next day's from 00:00. A holiday is
closed all day whatever the week says. Agents' own working hours are weeks of the same shape.

The pure functions take the week and holidays and an aware time; `business_hours_for` and `workspace_open` read the
workspace's row.
"""
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from common.spintax import SpintaxError, validate
from config.errors import UserError

from .models import BusinessHours

DAYS = 7
# How far back `closed_since` looks for the last closing time: a shop closed longer than a year has no "period".
LOOKBACK_DAYS = 370
MAX_HOLIDAYS = 366


def business_hours_for(workspace):
    """The workspace's row, created (closed week, disabled) on first use."""
    row, _created = BusinessHours.objects.get_or_create(workspace=workspace)
    return row


def _time(value):
    return datetime.strptime(value, "%H:%M").time()


def _span(day):
    """(opens, closes) as times, or None for a closed day."""
    if not day:
        return None
    return _time(day[0]), _time(day[1])


def _holiday_dates(holidays):
    return {date.fromisoformat(h["date"]) for h in holidays or ()}


def is_open(week, holidays, moment, zone):
    """Whether `moment` (aware) falls in an opening span of `week`, read in `zone`."""
    local = moment.astimezone(zone)
    if local.date() in _holiday_dates(holidays):
        return False
    span = _span(week[local.weekday()])
    return span is not None and span[0] <= local.time() < span[1]


def closed_since(week, holidays, moment, zone):
    """When the closed period `moment` is in began: the last closing time before it (aware), or None when the
    week and holidays left it closed for over a year. Only meaningful while closed."""
    local = moment.astimezone(zone)
    closed_days = _holiday_dates(holidays)
    for back in range(LOOKBACK_DAYS):
        day = local.date() - timedelta(days=back)
        span = _span(week[day.weekday()])
        if span is None or day in closed_days:
            continue
        closes = datetime.combine(day, span[1], tzinfo=zone)
        if closes <= local:
            return closes
    return None


def workspace_open(workspace, now=None, row=None):
    """Whether the workspace is open now; a workspace without business hours is always open."""
    row = row or business_hours_for(workspace)
    if not row.enabled:
        return True
    return is_open(row.week, row.holidays, now or timezone.now(), workspace.zone)


# ---------------------------------------------------------------- reading what people typed


def _bad_week(message):
    return UserError(message, code="invalid_business_hours", fields={"week": message})


def week_clean(value):
    """Seven days as stored from a list a form or the API sent: each None/[] (closed) or [opens, closes] as
    "HH:MM". Raises UserError naming the day."""
    names = [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday")]
    if not isinstance(value, (list, tuple)) or len(value) != DAYS:
        raise _bad_week(_("Give seven days, Monday first; each closed (null) or an opening and a closing time."))
    week = []
    for name, day in zip(names, value, strict=True):
        if not day:
            week.append(None)
            continue
        try:
            opens, closes = (_time(str(t).strip()[:5]) for t in day)
        except (TypeError, ValueError):
            raise _bad_week(_("%(day)s: write the times like 09:00 and 17:00.") % {"day": name}) from None
        if closes <= opens:
            raise _bad_week(_("%(day)s: the closing time must be after the opening time (for past midnight, close "
                              "at 23:59 and open the next day at 00:00).") % {"day": name})
        week.append([opens.strftime("%H:%M"), closes.strftime("%H:%M")])
    return week


def holidays_clean(value):
    """Holidays from the page's text (one a line: "2026-12-25 Christmas" or "25/12/2026 Christmas") or the API's
    list ({"date", "name"} or a bare date), sorted, one per date."""
    if isinstance(value, str):
        items = [line.strip() for line in value.splitlines() if line.strip()]
    elif isinstance(value, (list, tuple)):
        items = list(value)
    else:
        items = []
    found = {}
    for item in items:
        if isinstance(item, dict):
            text, name = str(item.get("date", "")), str(item.get("name", ""))
        else:
            text, _sep, name = str(item).strip().partition(" ")
        day = _date(text.strip())
        if day is None:
            message = _("“%(value)s” is not a date. Write one holiday a line, like 2026-12-25 Christmas.") % {
                "value": str(text)[:30]}
            raise UserError(message, code="invalid_business_hours", fields={"holidays": message})
        found[day] = name.strip()[:80]
    if len(found) > MAX_HOLIDAYS:
        message = _("At most %(n)s holidays.") % {"n": MAX_HOLIDAYS}
        raise UserError(message, code="invalid_business_hours", fields={"holidays": message})
    return [{"date": day.isoformat(), "name": found[day]} for day in sorted(found)]


def _date(text):
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def holidays_text(holidays):
    """The page's textarea: one holiday a line."""
    return "\n".join(f"{h['date']} {h['name']}".strip() for h in holidays or ())


def week_rows(week):
    """(index, opens, closes) for the page's seven rows; empty strings for a closed day."""
    week = week or [None] * DAYS
    return [(i, (day or ["", ""])[0], (day or ["", ""])[1]) for i, day in enumerate(week)]



MESSAGE_FIELDS = ("away_message", "welcome_message", "waiting_message")


def business_hours_update(*, workspace, **values):
    """An owner sets the business hours and the three messages; a value left out stays as it is. Broken spintax
    or a bad day is refused with the field it is in."""
    row = business_hours_for(workspace)
    if "week" in values:
        values["week"] = week_clean(values["week"])
    if "holidays" in values:
        values["holidays"] = holidays_clean(values["holidays"])
    for field in MESSAGE_FIELDS:
        if field in values:
            values[field] = (values[field] or "").strip()
            if len(values[field]) > 4096:
                message = _("A WhatsApp message can be at most 4096 characters.")
                raise UserError(message, fields={field: message})
            try:
                validate(values[field])
            except SpintaxError as exc:
                message = _("The message's spintax is broken: %(reason)s") % {"reason": exc.message}
                raise UserError(message, code="spintax_error", fields={field: exc.message}) from exc
    for field, value in values.items():
        setattr(row, field, value)
    row.full_clean()
    row.save()
    return row
