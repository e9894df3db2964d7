"""Reads for the dashboard: the figures of a range of days, from the daily roll-up rows only (never the raw
recipients or messages), plus the few live states a page must show as they are (chats waiting, numbers)."""
from collections import defaultdict
from datetime import timedelta

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import can
from billing import limits
from billing.models import FREE_LIMITS
from billing.selectors import current_plan
from devices.models import Device
from inbox.models import Chat
from rotator.selectors import workspace_daily_clicks

from .models import DailyStat

Metric = DailyStat.Metric
RANGES = {"today": 1, "7d": 7, "30d": 30}
# series metric -> the roll-up figures it draws ("clicks" comes from the rotator's own daily rows)
SERIES = {
    "sends": (Metric.SENT, Metric.REPLIED),
    "funnel": (Metric.SENT, Metric.DELIVERED, Metric.READ, Metric.REPLIED),
    "inbox": (Metric.INBOUND, Metric.OUTBOUND),
    "contacts": (Metric.NEW_CONTACTS,),
    "clicks": ("clicks",),
}
BY = ("day", "device")


def range_days(workspace, range_code, *, now=None):
    """The days of ``range_code`` ending today, in the workspace's time zone, oldest first."""
    today = (now or timezone.now()).astimezone(workspace.zone).date()
    return [today - timedelta(days=n) for n in reversed(range(RANGES[range_code]))]


def _stats(workspace, days):
    return DailyStat.objects.for_workspace(workspace).filter(day__gte=days[0], day__lte=days[-1]).order_by()


def totals(workspace, days):
    rows = _stats(workspace, days).values("metric").annotate(n=Sum("value"))
    found = {row["metric"]: row["n"] for row in rows}
    return {metric.value: found.get(metric.value, 0) for metric in Metric}


def _rate(part, whole):
    return round(part / whole, 4) if whole else None


def _device_names(workspace, keys):
    names = {d.pk: d.label or (f"+{d.phone_number}" if d.phone_number else d.session_name)
             for d in Device.objects.for_workspace(workspace).filter(pk__in=[k for k in keys if k])}
    return {key: names.get(key, _("No number") if key == 0 else _("Removed number")) for key in keys}


def summary(*, workspace, membership, range_code, now=None):
    days = range_days(workspace, range_code, now=now)
    figures = totals(workspace, days)
    clicks = sum(row["clicks"] for row in workspace_daily_clicks(workspace=workspace, since=days[0], until=days[-1]))
    sent = figures[Metric.SENT]
    result = {
        "range": range_code, "time_zone": str(workspace.zone), "since": days[0], "until": days[-1],
        "sent": sent, "delivered": figures[Metric.DELIVERED], "read": figures[Metric.READ],
        "replied": figures[Metric.REPLIED], "delivery_rate": _rate(figures[Metric.DELIVERED], sent),
        "read_rate": _rate(figures[Metric.READ], sent), "reply_rate": _rate(figures[Metric.REPLIED], sent),
        "new_contacts": figures[Metric.NEW_CONTACTS], "inbound": figures[Metric.INBOUND],
        "link_clicks": clicks,
        # Live, as the inbox shows it: one indexed count of chats, not of messages.
        "chats_waiting": Chat.objects.for_workspace(workspace).filter(needs_human=True).count(),
        "devices": None, "plan": None,
    }
    # What the member may see follows the dashboard's cards: numbers and the plan are the owner's.
    if can(membership, "devices:view"):
        result["devices"] = [
            {"id": d.pk, "label": d.label, "phone": d.phone_number, "status": d.status,
             "status_label": d.get_status_display()}
            for d in Device.objects.for_workspace(workspace).order_by("pk")]
    if can(membership, "billing:manage"):
        result["plan"] = plan_usage(workspace, sent_today=totals(workspace, range_days(workspace, "today", now=now))[
            Metric.SENT] if range_code != "today" else sent)
    return result


def plan_usage(workspace, *, sent_today):
    """The plan and each limit's use, as the billing page shows them; the day's messages come from the roll-up
    (the plan's own counter reads the recipient rows, which a dashboard request must not)."""
    plan = current_plan(workspace)
    rows = []
    for resource in limits.RESOURCES:
        limit = plan.limit(resource, FREE_LIMITS.get(resource))
        used = sent_today if resource == "daily_messages" else limits.usage(workspace, resource)
        percent = (100 if used else 0) if limit == 0 else (0 if not limit else min(100, round(100 * used / limit)))
        rows.append({"resource": resource, "label": limits.label(resource, 2), "used": used, "limit": limit,
                     "percent": percent})
    return {"name": plan.name, "usage": rows}


def series_permission(metric, by):
    """What a member needs for this series: per-number figures are the owner's (as the devices card is),
    except link clicks, whose numbers every member sees on the link's page."""
    return "devices:view" if by == "device" and metric != "clicks" else "dashboard:view"


def _labels(metric):
    if metric == "clicks":
        return {"clicks": _("Visitors")}
    return {m.value: str(m.label) for m in SERIES[metric]}


def series(*, workspace, metric, range_code, by, now=None):
    """Chart data: ``labels`` (days, numbers or funnel stages) and ``datasets`` of ``values`` beside them."""
    days = range_days(workspace, range_code, now=now)
    parts = [str(p) for p in SERIES[metric]]
    names = _labels(metric)
    # cells[(part, group)] where group is a day or a device key
    cells = defaultdict(int)
    if metric == "clicks":
        for row in workspace_daily_clicks(workspace=workspace, since=days[0], until=days[-1]):
            cells[("clicks", row["day"] if by == "day" else row["phone"])] += row["clicks"]
    else:
        group = "day" if by == "day" else "device_key"
        rows = _stats(workspace, days).filter(metric__in=parts).values("metric", group).annotate(n=Sum("value"))
        for row in rows:
            cells[(row["metric"], row[group])] += row["n"]
    result = {"metric": metric, "range": range_code, "by": by, "time_zone": str(workspace.zone)}
    if metric == "funnel":
        result["labels"] = [names[p] for p in parts]
        if by == "day":
            result["datasets"] = [{"key": "all", "label": _("All numbers"),
                                   "values": [sum(v for (p, _g), v in cells.items() if p == part) for part in parts]}]
        else:
            keys = sorted({g for (_p, g) in cells})
            device_names = _device_names(workspace, keys)
            result["datasets"] = [{"key": str(key), "label": device_names[key],
                                   "values": [cells[(part, key)] for part in parts]} for key in keys]
        return result
    if by == "day":
        groups = days
        result["labels"] = [day.isoformat() for day in days]
    elif metric == "clicks":
        groups = sorted({g for (_p, g) in cells}, key=lambda phone: (-cells[(parts[0], phone)], phone))
        result["labels"] = [f"+{phone}" if phone else _("No number") for phone in groups]
    else:
        # Busiest number first by the first figure (sends), then in the order they were added.
        groups = sorted({g for (_p, g) in cells}, key=lambda key: (-cells[(parts[0], key)], key))
        device_names = _device_names(workspace, groups)
        result["labels"] = [device_names[key] for key in groups]
    result["datasets"] = [{"key": part, "label": names[part], "values": [cells[(part, g)] for g in groups]}
                          for part in parts]
    return result
