"""The one function every app asks before it adds something a plan limits: `check(workspace, resource)`.

Resources: "devices", "contacts", "rotators", "agents", "daily_messages", and "ai_replies" (AI answers a
month, counted by billing itself: `ai_answer_reserve` before the assistant asks the model, one per message).
Limits come from the workspace's current plan (`billing.selectors.current_plan`, read from the ledger).
Usage is counted by the app that owns the resource, which registers its counter from its own
`AppConfig.ready()` (`register_usage`), so billing never imports the apps above it; a resource nobody
registered is an error, never a silent zero. Lowering a limit never deletes anything: it only refuses
new additions.
"""
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import Workspace

from .errors import LimitReached
from .models import FREE_LIMITS, AIAnswer
from .selectors import current_plan, upgrade_for

RESOURCES = ("devices", "contacts", "rotators", "agents", "daily_messages", "ai_replies", "warming")
# resource -> function(workspace) -> current use, filled by the owning apps' ready()
USAGE_COUNTERS = {}
UNLIMITED = None
FEATURE_NAMES = {"ai_replies": gettext_lazy("AI replies")}


def label(resource, count):
    """'device' / 'devices' and so on, for messages and usage bars."""
    labels = {
        "devices": ngettext("device", "devices", count),
        "contacts": ngettext("contact", "contacts", count),
        "rotators": ngettext("link rotator", "link rotators", count),
        "agents": ngettext("agent", "agents", count),
        "daily_messages": ngettext("message a day", "messages a day", count),
        "ai_replies": ngettext("AI answer this month", "AI answers this month", count),
        "warming": ngettext("number warming up at once", "numbers warming up at once", count),
    }
    return labels.get(resource, resource)


def _plan(workspace):
    return current_plan(workspace)


def limit_for(workspace, resource):
    """The workspace's current limit for a resource (None = unlimited; bool for features)."""
    return _plan(workspace).limit(resource, FREE_LIMITS.get(resource, UNLIMITED))


def register_usage(resource, counter):
    """The owning app says how to count ``resource`` (from its AppConfig.ready())."""
    if resource not in RESOURCES:
        raise ImproperlyConfigured(f"billing limits know no resource {resource!r}; one of {RESOURCES}")
    USAGE_COUNTERS[resource] = counter


def usage(workspace, resource):
    try:
        counter = USAGE_COUNTERS[resource]
    except KeyError:
        raise ImproperlyConfigured(f"No app registered a usage counter for {resource!r} "
                                   "(billing.limits.register_usage in its AppConfig.ready()).") from None
    return counter(workspace)


def remaining(workspace, resource, *, lock=False):
    """How many more of `resource` fit (None = unlimited).

    `lock=True`, inside the transaction that adds them (a bulk add such as a group grab), holds the
    workspace's row as `reserve` does, so a concurrent add waits and then counts what this one added.
    """
    if lock:
        _lock(workspace)
    limit = limit_for(workspace, resource)
    if limit is UNLIMITED:
        return None
    return max(0, limit - usage(workspace, resource))


def _fmt(number):
    return f"{number:,}"


def reserve(workspace, resource, adding=1):
    """`check`, holding the workspace's row until the caller's transaction ends.

    Call it inside the `transaction.atomic()` that saves the new thing: two requests adding the last
    device at once then queue on the lock, and the second counts the first's row and is refused.
    (SQLite takes its write lock at BEGIN, so there the atomic block alone already serialises them.)
    """
    _lock(workspace)
    check(workspace, resource, adding)


def _lock(workspace):
    """Hold the workspace's row until the transaction ends: adds to its limited resources queue here."""
    list(Workspace.objects.select_for_update().filter(pk=workspace.pk).values_list("pk", flat=True))


def check(workspace, resource, adding=1):
    """Raise LimitReached if adding `adding` more of `resource` would pass the plan's limit.

    `adding=0` asks "is the workspace within its limit right now?" (e.g. when an invitation is accepted).
    """
    plan = _plan(workspace)
    limit = plan.limit(resource, FREE_LIMITS.get(resource, UNLIMITED))
    if resource in FEATURE_NAMES and limit == 0:
        better = upgrade_for(plan, resource)
        feature = FEATURE_NAMES.get(resource, resource)
        if better:
            message = _("Your %(plan)s plan does not include %(feature)s. Upgrade to %(better)s to use it.") % {
                "plan": plan.name, "feature": feature, "better": better.name}
        else:
            message = _("Your %(plan)s plan does not include %(feature)s.") % {"plan": plan.name, "feature": feature}
        raise LimitReached(message, resource=resource, limit=0, used=0, upgrade_to=better.name if better else None)
    if limit is UNLIMITED:
        return
    used = usage(workspace, resource)
    if used + adding <= limit:
        return
    raise _refusal(plan, resource, limit=limit, used=used, adding=adding, workspace=workspace)


def limit_reached(workspace, resource, *, used):
    """The LimitReached `check` raises, for a caller that learnt on its own that the limit is used up
    (the engine's and the test send's reservation of a daily message), in the same words."""
    plan = _plan(workspace)
    return _refusal(plan, resource, limit=plan.limit(resource, FREE_LIMITS.get(resource, UNLIMITED)), used=used)


def daily_limit_params(workspace, *, used):
    """The figures of "the plan's daily messages are used up", kept by a row held for tomorrow and turned
    into words by `daily_limit_words` when someone reads it, in their own language."""
    plan = _plan(workspace)
    better = upgrade_for(plan, "daily_messages")
    return {"plan": plan.name, "limit": plan.limit("daily_messages", FREE_LIMITS.get("daily_messages", UNLIMITED)),
            "used": used, "better": better.name if better else ""}


def daily_limit_words(*, plan, limit, used, better=""):
    """The daily-messages refusal in the active language (the same words `check` raises)."""
    values = {"plan": plan, "limit": _fmt(limit or 0), "what": label("daily_messages", limit or 0), "used": _fmt(used),
              "better": better}
    message = _("Your %(plan)s plan allows %(limit)s %(what)s and you have sent %(used)s today.") % values
    advice = _("Sending continues tomorrow, or upgrade to %(better)s.") if better else _("Sending continues tomorrow.")
    return f"{message} {advice % values}"


def _refusal(plan, resource, *, limit, used, adding=1, workspace=None, now=None):
    better = upgrade_for(plan, resource)
    if resource == "ai_replies":
        values = {"plan": plan.name, "limit": _fmt(limit), "used": _fmt(used), "better": better.name if better else "",
                  "date": date_format(next_month_start(workspace, now), "j F Y") if workspace else ""}
        message = _("The %(limit)s AI answers of your %(plan)s plan for this month are used up (%(used)s sent). "
                    "The assistant hands new questions to your team until %(date)s.") % values
        if better:
            message += " " + _("Upgrade to %(better)s for more.") % values
        return LimitReached(message, resource=resource, limit=limit, used=used,
                            upgrade_to=better.name if better else None)
    if resource == "daily_messages":
        return LimitReached(daily_limit_words(plan=plan.name, limit=limit, used=used,
                                              better=better.name if better else ""),
                            resource=resource, limit=limit, used=used, upgrade_to=better.name if better else None)
    values = {"plan": plan.name, "limit": _fmt(limit), "what": label(resource, limit), "used": _fmt(used),
              "better": better.name if better else ""}
    message = _("Your %(plan)s plan allows %(limit)s %(what)s and you have %(used)s.") % values
    if adding > 1:
        message += " " + _("This would add %(adding)s.") % {"adding": _fmt(adding)}
    advice = (_("Remove one or upgrade to %(better)s.") if better and adding == 1
              else _("Remove some or upgrade to %(better)s.") if better
              else _("Remove some to make room."))
    return LimitReached(f"{message} {advice % values}", resource=resource, limit=limit, used=used,
                        upgrade_to=better.name if better else None)


class AgentSeats:
    """The plan's agent seats, as accounts' team feature asks for them (accounts.hooks.SeatPolicy)."""

    def reserve(self, workspace, adding=1):
        reserve(workspace, "agents", adding)

    def usage(self, workspace):
        return usage(workspace, "agents")

    def limit(self, workspace):
        return limit_for(workspace, "agents")


def usage_rows(workspace):
    """Usage bars for the billing page: label, used, limit (None = unlimited) and percent."""
    plan = current_plan(workspace)
    rows = []
    for resource in RESOURCES:
        limit = plan.limit(resource, FREE_LIMITS.get(resource))
        used = usage(workspace, resource)
        percent = 0 if not limit else min(100, round(100 * used / limit))
        if limit == 0:
            percent = 100 if used else 0
        rows.append({"resource": resource, "label": label(resource, 2), "used": used, "limit": limit,
                     "percent": percent, "full": limit is not None and used >= limit})
    return rows


# --- AI answers, metered per calendar month in the workspace's time zone -----------------------------------

def month_start(workspace, now=None):
    """The first day of the workspace's current month (its own time zone: a shop's month ends at its midnight)."""
    return timezone.localtime(now or timezone.now(), workspace.zone).date().replace(day=1)


def next_month_start(workspace, now=None):
    start = month_start(workspace, now)
    return start.replace(year=start.year + 1, month=1) if start.month == 12 else start.replace(month=start.month + 1)


def ai_answers_used(workspace, now=None):
    return AIAnswer.objects.for_workspace(workspace).filter(month=month_start(workspace, now)).count()


def ai_answer_reserve(*, workspace, message_id, now=None):
    """Count one AI answer to inbound message `message_id`, or raise LimitReached when the month's are used up.

    Idempotent per message: a message already counted (a retried task) passes without counting again. The
    workspace's row is held while counting, so two answers racing for the last one of the month cannot both
    get it. Call it before asking the model, and `ai_answer_release` when no answer went out after all.
    """
    with transaction.atomic():
        _lock(workspace)
        if AIAnswer.objects.for_workspace(workspace).filter(message_id=message_id).exists():
            return False
        plan = _plan(workspace)
        limit = plan.limit("ai_replies", FREE_LIMITS["ai_replies"])
        if limit == 0:
            check(workspace, "ai_replies")  # raises "your plan does not include AI replies"
        if limit is not UNLIMITED:
            used = ai_answers_used(workspace, now)
            if used >= limit:
                raise _refusal(plan, "ai_replies", limit=limit, used=used, workspace=workspace, now=now)
        try:
            with transaction.atomic():
                AIAnswer.objects.create(workspace=workspace, message_id=message_id, month=month_start(workspace, now))
        except IntegrityError:
            return False  # counted by a concurrent retry of the same message (the constraint decides)
    return True


def ai_answer_release(*, workspace, message_id):
    """The model gave no answer (it did not know, or failed): the reservation does not count."""
    AIAnswer.objects.for_workspace(workspace).filter(message_id=message_id).delete()
