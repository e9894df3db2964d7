"""Reads about plans and the ledger. `current_plan(workspace)` is the one answer to "which plan is this on?".

The plan follows from the ledger: the most recently activated PAID line that has not expired gives the
package; without one the workspace is on Free. Nothing about the plan is stored on the workspace.
"""
from datetime import datetime
from itertools import pairwise
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import FREE_CODE, FREE_LIMITS, BillingPause, Package, Subscription
from .money import rupiah

REMINDER_DAYS = 7  # reminders show on the dashboard from a week before expiry (7, 3, 1 days...)


def free_package():
    package = Package.objects.filter(code=FREE_CODE).first()
    if package is None:  # the seed migration creates it; an operator deleted it
        package = Package(code=FREE_CODE, name="Free", price=0, max_devices=1, max_contacts=500,
                          features={"max_rotators": 3, "max_agents": 1, "daily_messages": 500, "ai_replies": 0})
    return package


def public_packages():
    return Package.objects.filter(is_public=True)


def public_plans():
    """The plans a visitor may buy, for the public home page (accounts.hooks.public_plans)."""
    return [{"code": p.code, "name": p.name, "description": p.description,
             "price": rupiah(p.price) if p.price else None, "features": plan_features(p)}
            for p in public_packages()]


def active_subscriptions(workspace, now=None):
    now = now or timezone.now()
    return (Subscription.objects.for_workspace(workspace)
            .filter(payment_status=Subscription.Status.PAID)
            .filter(Q(expiry_date__isnull=True) | Q(expiry_date__gt=now))
            .select_related("package"))


def current_subscription(workspace, now=None):
    """The ledger line that sets the plan now, or None (Free by default)."""
    if workspace is None:
        return None
    return active_subscriptions(workspace, now).order_by("-activated_at", "-pk").first()


def current_plan(workspace, now=None):
    subscription = current_subscription(workspace, now)
    return subscription.package if subscription else free_package()


def subscription_history(workspace):
    return Subscription.objects.for_workspace(workspace).select_related("package").order_by("-created_at", "-pk")


def pending_invoices(workspace):
    return subscription_history(workspace).filter(payment_status=Subscription.Status.PENDING)


def upgrade_for(plan, resource):
    """The cheapest public plan that allows more of `resource` than `plan`, or None."""
    current = plan.limit(resource)
    if current is None or current is True:
        return None
    for candidate in public_packages().exclude(pk=plan.pk):
        limit = candidate.limit(resource)
        if isinstance(current, bool):
            if limit is True:
                return candidate
        elif limit is None or (not isinstance(limit, bool) and limit > current):
            return candidate
    return None


def days_left(subscription, now=None):
    if subscription is None or subscription.expiry_date is None:
        return None
    seconds = (subscription.expiry_date - (now or timezone.now())).total_seconds()
    return max(0, int(-(-seconds // 86400)))  # a part day counts as a day: "expires in 1 day", not 0


def expiry_reminder(workspace, now=None):
    """A reminder line for the last week of a paid plan, or None."""
    return _reminder(current_subscription(workspace, now), now)


def _reminder(subscription, now=None):
    if subscription is None or subscription.expiry_date is None:
        return None
    left = days_left(subscription, now)
    if left > REMINDER_DAYS:
        return None
    if subscription.is_trial:
        return ngettext(
            "Your free trial of %(plan)s ends in %(days)s day. Choose a plan under Billing so nothing gets paused.",
            "Your free trial of %(plan)s ends in %(days)s days. Choose a plan under Billing so nothing gets paused.",
            left) % {"plan": subscription.package.name, "days": left}
    return ngettext(
        "Your %(plan)s plan expires in %(days)s day. Renew it under Billing so nothing gets paused.",
        "Your %(plan)s plan expires in %(days)s days. Renew it under Billing so nothing gets paused.",
        left) % {"plan": subscription.package.name, "days": left}


def device_paused_by_billing(workspace, device_id):
    """True while billing holds this device off broadcasting (the plan's device limit is lower).

    For the devices app: switching broadcasting back on for such a device should be refused with
    "Your plan allows N devices..." until the owner pays; billing switches it back on by itself then.
    """
    return BillingPause.objects.for_workspace(workspace).filter(
        kind=BillingPause.Kind.DEVICE, object_id=device_id).exists()


def paused_device_count(workspace):
    return BillingPause.objects.for_workspace(workspace).filter(kind=BillingPause.Kind.DEVICE).count()


def dashboard_card(workspace):
    subscription = current_subscription(workspace)
    plan = subscription.package if subscription else free_package()
    if subscription and subscription.expiry_date:
        hint = _("Until %(date)s") % {"date": timezone.localtime(subscription.expiry_date).strftime("%d %b %Y")}
    else:
        hint = _("Upgrade for more numbers and contacts") if plan.code == FREE_CODE else ""
    card = {"label": _("Plan"), "value": plan.name, "hint": hint, "url": reverse("billing:index")}
    reminder = _reminder(subscription)
    paused = 0 if reminder else paused_device_count(workspace)
    if reminder:
        card["alert"] = reminder
        card["alert_level"] = "danger" if days_left(subscription) <= 1 else "warning"
    elif paused:
        card["alert"] = ngettext(
            "%(n)s WhatsApp number stopped broadcasting because your plan ended. Pay for a plan under Billing "
            "and it comes back by itself.",
            "%(n)s WhatsApp numbers stopped broadcasting because your plan ended. Pay for a plan under Billing "
            "and they come back by themselves.", paused) % {"n": paused}
        card["alert_level"] = "warning"
    elif pending_invoices(workspace).exists():
        card["alert"] = _("An invoice is waiting for payment. Open Billing for the transfer details.")
        card["alert_level"] = "info"
    return card


def plan_features(package):
    """Lines for a plan card: 'Up to 5 WhatsApp numbers', 'Unlimited contacts', 'AI replies'..."""
    def amount(resource, text, unlimited):
        value = package.limit(resource, FREE_LIMITS.get(resource))
        if value is None:
            return {"text": unlimited, "on": True}
        return {"text": text(value) % {"n": f"{value:,}"}, "on": value > 0}

    return [
        amount("devices", lambda n: ngettext("%(n)s WhatsApp number", "%(n)s WhatsApp numbers", n),
               _("Unlimited WhatsApp numbers")),
        amount("contacts", lambda n: ngettext("%(n)s contact", "%(n)s contacts", n), _("Unlimited contacts")),
        amount("daily_messages", lambda n: ngettext("%(n)s message a day", "%(n)s messages a day", n),
               _("Unlimited messages")),
        amount("rotators", lambda n: ngettext("%(n)s link rotator", "%(n)s link rotators", n),
               _("Unlimited link rotators")),
        amount("agents", lambda n: ngettext("%(n)s agent", "%(n)s agents", n), _("Unlimited agents")),
        amount("ai_replies", lambda n: ngettext("%(n)s AI answer a month", "%(n)s AI answers a month", n),
               _("Unlimited AI answers")),
    ]


# --- Operators' reads: every workspace at once, for the staff-only overview (config/overview.py) -----------

def _month_starts(now, months, zone):
    """The first instant of each of the last `months` calendar months in `zone`, oldest first, then the next
    month's (which closes the last one)."""
    local = now.astimezone(zone)
    current = local.year * 12 + local.month - 1  # months counted from January of year 0
    return [datetime(n // 12, n % 12 + 1, 1, tzinfo=zone) for n in range(current - months + 1, current + 2)]


def platform_revenue(*, now=None, months=12):
    """Paying workspaces and revenue for each of the last `months` months, in one aggregate query.

    Months are calendar months in DEFAULT_WORKSPACE_TIME_ZONE, the zone the business books in: a transfer
    confirmed at 01:00 on 1 May in Jakarta is May's money although it is still April in UTC. Bounds are
    computed here rather than with TruncMonth, which on MariaDB needs the server's time zone tables.
    Revenue is what PAID lines brought in the month they were paid (refunded lines gave it back); a
    workspace pays in a month when a paid line with an amount was active during some of it.
    """
    now = now or timezone.now()
    zone = ZoneInfo(settings.DEFAULT_WORKSPACE_TIME_ZONE)
    bounds = _month_starts(now, months, zone)
    lines = Subscription.objects.filter(payment_status=Subscription.Status.PAID, amount__gt=0)
    running = Q(expiry_date__isnull=True) | Q(expiry_date__gt=now)
    aggregates = {"paying_now": Count("workspace", distinct=True, filter=Q(activated_at__lte=now) & running)}
    for i, (start, end) in enumerate(pairwise(bounds)):
        in_month = Q(paid_at__gte=start, paid_at__lt=end)
        active = Q(activated_at__lt=end) & (Q(expiry_date__isnull=True) | Q(expiry_date__gt=start))
        aggregates[f"revenue_{i}"] = Sum("amount", filter=in_month, default=0)
        aggregates[f"invoices_{i}"] = Count("pk", filter=in_month)
        aggregates[f"paying_{i}"] = Count("workspace", distinct=True, filter=active)
    totals = lines.aggregate(**aggregates)
    rows = [{"month": start.date(), "revenue": totals[f"revenue_{i}"], "invoices": totals[f"invoices_{i}"],
             "paying": totals[f"paying_{i}"]} for i, start in enumerate(bounds[:-1])]
    return {"paying_now": totals["paying_now"], "months": rows, "total": sum(row["revenue"] for row in rows),
            "best": max((row["revenue"] for row in rows), default=0)}


def platform_invoices_waiting(*, limit=50):
    """Invoices waiting for an operator to confirm the transfer, oldest first, and how many there are."""
    waiting = Subscription.objects.filter(payment_status=Subscription.Status.PENDING)
    rows = list(waiting.select_related("workspace", "package").order_by("created_at", "pk")[:limit])
    return {"rows": rows, "count": len(rows) if len(rows) < limit else waiting.count()}
