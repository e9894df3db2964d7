"""Trials: a new workspace gets the plan the operator marked with trial days, free for that many days.

A trial is an ordinary PAID ledger line (provider "trial", amount 0) with an expiry, so everything that reads
the plan already sees it (`selectors.current_plan`), and its end is the expiry beat's business like any other
line: `services.subscriptions_expire` falls back to Free and pauses, never deletes, what Free does not allow.
The operator chooses the plan and the length in the admin (`Package.trial_days`); 0 everywhere = no trials.
"""
import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.language import workspace_language
from accounts.models import Membership
from audit.services import audit_record

from .models import TRIAL_PROVIDER, Package, Subscription
from .selectors import current_subscription, days_left

logger = logging.getLogger(__name__)


def trial_package():
    """The public paid plan new workspaces try, or None: the first by sort order with trial days set."""
    return (Package.objects.filter(is_public=True, trial_days__gt=0, price__gt=0)
            .order_by("sort_order", "price", "pk").first())


def trial_start(*, workspace, now=None):
    """Give `workspace` its trial, once: a workspace that ever had one gets none again. Returns the line or None."""
    package = trial_package()
    if package is None:
        return None
    now = now or timezone.now()
    with transaction.atomic():
        if Subscription.objects.for_workspace(workspace).filter(provider=TRIAL_PROVIDER).exists():
            return None
        line = Subscription.objects.create(
            workspace=workspace, package=package, months=1, amount=0, provider=TRIAL_PROVIDER,
            payment_status=Subscription.Status.PAID, paid_at=now, activated_at=now, starts_at=now,
            expiry_date=now + timedelta(days=package.trial_days), reference=f"NEW-{now.timestamp()}-{workspace.pk}",
            note=_("Free trial"))
        line.reference = f"TRIAL-{line.created_at.year}-{line.pk:06d}"
        line.save(update_fields=["reference"])
        audit_record(action="plan.trial_started", workspace=workspace, target=package.name, days=package.trial_days)
    return line


def workspace_created(sender, instance, created, raw=False, **kwargs):
    """post_save of accounts.Workspace (connected in BillingConfig.ready): accounts may not import billing, and a
    workspace is born in more than one place (signup, the admin), so billing listens instead of being called."""
    if created and not raw:
        trial_start(workspace=instance)


def trials_remind(*, now=None):
    """E-mail the owners of each trial that ends within BILLING_TRIAL_REMIND_DAYS, once per trial.

    The line is claimed with a conditional UPDATE of `reminder_sent_at` before the mail goes, so two beat runs
    never send it twice; a trial already replaced by a paid plan gets no reminder. Returns the number sent.
    """
    now = now or timezone.now()
    horizon = now + timedelta(days=settings.BILLING_TRIAL_REMIND_DAYS)
    due = (Subscription.objects.filter(provider=TRIAL_PROVIDER, payment_status=Subscription.Status.PAID,
                                       expiry_date__gt=now, expiry_date__lte=horizon, reminder_sent_at__isnull=True)
           .select_related("workspace", "package"))
    sent = 0
    for line in due:
        if Subscription.objects.filter(pk=line.pk, reminder_sent_at__isnull=True).update(reminder_sent_at=now) != 1:
            continue  # another run claimed it
        current = current_subscription(line.workspace, now)
        if current is None or current.pk != line.pk:
            continue  # the owner paid (or moved to Free) already: nothing to remind of
        try:
            _reminder_send(line, now)
        except Exception:
            Subscription.objects.filter(pk=line.pk).update(reminder_sent_at=None)  # the next run tries again
            logger.exception("Trial reminder for %s was not sent", line.reference)
            continue
        sent += 1
    return sent


def _reminder_send(line, now):
    owners = list(Membership.objects.filter(workspace=line.workspace, role=Membership.Role.OWNER, user__is_active=True)
                  .values_list("user__email", flat=True))
    if not owners:
        return
    left = days_left(line, now)
    with workspace_language(line.workspace):
        subject = ngettext("Your %(plan)s trial ends in %(days)s day", "Your %(plan)s trial ends in %(days)s days",
                           left) % {"plan": line.package.name, "days": left}
        message = render_to_string("billing/trial_reminder_email.txt", {
            "line": line, "workspace": line.workspace, "days": left,
            "link": settings.SITE_URL + reverse("billing:index")})
    send_mail(subject=subject, message=message, from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=owners)
