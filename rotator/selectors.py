"""Reads for the rotator: counts for limits and the dashboard, and each link's statistics."""
from datetime import datetime, time, timedelta

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Click, DailyClicks, LinkRotator

STATS_DAYS = 30


def rotator_count(workspace):
    return LinkRotator.objects.for_workspace(workspace).count()


def rotator_list(*, workspace):
    return LinkRotator.objects.for_workspace(workspace).annotate(number_count=Count("numbers"))


def dashboard_card(workspace):
    links = LinkRotator.objects.for_workspace(workspace)
    total = links.aggregate(clicks=Sum("click_count"), links=Count("pk"))
    if not total["links"]:
        return None
    return {"label": _("Link clicks"), "value": total["clicks"] or 0,
            "hint": ngettext("%(count)s link", "%(count)s links", total["links"]) % {"count": total["links"]},
            "url": reverse("rotator:list")}


def rotator_stats(*, rotator, days=STATS_DAYS):
    """Visitors per day and per number, and top referrers, over the last `days` days (workspace's time zone)."""
    zone = rotator.workspace.zone
    today = timezone.now().astimezone(zone).date()
    since = today - timedelta(days=days - 1)
    since_at = datetime.combine(since, time.min, tzinfo=zone)
    daily = DailyClicks.objects.filter(rotator=rotator, day__gte=since)
    per_day = {row["day"]: row for row in daily.values("day").annotate(clicks=Sum("clicks"), bots=Sum("bot_clicks"))}
    days_list = [since + timedelta(days=i) for i in range(days)]
    per_number = list(daily.values("phone").annotate(clicks=Sum("clicks")).filter(clicks__gt=0).order_by("-clicks"))
    referrers = list(
        Click.objects.filter(rotator=rotator, at__gte=since_at, is_preview_bot=False)
        .values("referrer_host").annotate(clicks=Count("pk")).order_by("-clicks")[:10])
    agents = list(Click.objects.filter(rotator=rotator, at__gte=since_at)
                  .values("agent").annotate(clicks=Count("pk")).order_by("-clicks"))
    return {
        "time_zone": str(zone),
        "days": [d.isoformat() for d in days_list],
        "clicks_per_day": [per_day[d]["clicks"] if d in per_day else 0 for d in days_list],
        "bots_per_day": [per_day[d]["bots"] if d in per_day else 0 for d in days_list],
        "per_number": [{"phone": row["phone"], "clicks": row["clicks"]} for row in per_number],
        "top_referrers": [{"host": row["referrer_host"] or "", "clicks": row["clicks"]} for row in referrers],
        "agents": [{"agent": row["agent"], "clicks": row["clicks"]} for row in agents],
        "click_count": rotator.click_count,
        "bot_click_count": rotator.bot_click_count,
    }


def workspace_daily_clicks(*, workspace, since, until):
    """Visitors (preview bots left out) per (day, number) over every link of the workspace, from the daily
    roll-up rows: [{"day", "phone", "clicks"}]. For the dashboard's charts (analytics)."""
    return list(DailyClicks.objects.for_workspace(workspace).filter(day__gte=since, day__lte=until)
                .order_by().values("day", "phone").annotate(clicks=Sum("clicks")))
