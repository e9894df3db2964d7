"""Billing writes: choosing a plan, and the ledger transitions PENDING -> PAID -> (expired) / FAILED / REFUNDED.

Every change of plan goes through here, so pausing (when a plan shrinks) and restoring (when a payment
activates one) happen in exactly one place: `billing.enforcement`.
"""
import calendar
import os
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from common.files import EXTENSIONS, sniff_type
from config.errors import UserError

from . import enforcement
from .models import Package, Subscription
from .payments import DEFAULT_PROVIDER
from .selectors import current_plan, current_subscription


class BillingError(UserError):
    code = "billing_invalid"


def add_months(moment: datetime, months: int) -> datetime:
    """Calendar months: 31 Jan + 1 month is 28/29 Feb, so a month never skips one."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def _reference_for(subscription):
    return f"INV-{subscription.created_at.year}-{subscription.pk:06d}"


def _parse_months(months):
    try:
        months = int(months)
    except (TypeError, ValueError):
        raise BillingError(_("Months must be a whole number, e.g. 1 or 12."), fields={"months": _("Enter a number.")})
    if not 1 <= months <= settings.BILLING_MAX_MONTHS:
        message = _("Choose between 1 and %(max)s months.") % {"max": settings.BILLING_MAX_MONTHS}
        raise BillingError(message, fields={"months": message})
    return months


def subscription_choose(*, workspace, actor, package_id, months=1):
    """The owner picks a plan. Free switches at once; a paid plan gets a PENDING invoice to pay."""
    package = Package.objects.filter(pk=package_id, is_public=True).first() if str(package_id).isdigit() else None
    if package is None:
        raise BillingError(_("That plan does not exist. Pick one from the pricing page."),
                           fields={"package_id": _("Unknown plan.")})
    if package.is_free:
        return _free_activate(workspace=workspace, actor=actor, package=package)
    months = _parse_months(months)
    with transaction.atomic():
        existing = (Subscription.objects.for_workspace(workspace).select_for_update()
                    .filter(payment_status=Subscription.Status.PENDING, package=package, months=months).first())
        if existing:
            return existing  # choosing twice must not leave two invoices for one purchase
        line = Subscription(workspace=workspace, package=package, months=months, amount=package.price_for(months),
                            currency="IDR", provider=DEFAULT_PROVIDER, created_by=actor,
                            reference=f"NEW-{timezone.now().timestamp()}-{workspace.pk}")
        line.full_clean(exclude=["reference"])
        line.save()
        line.reference = _reference_for(line)
        line.save(update_fields=["reference"])
        audit_record(action="plan.chosen", workspace=workspace, actor=actor, target=f"{package.name} {line.reference}",
                     months=months, amount=str(line.amount))
    return line


def _free_activate(*, workspace, actor, package):
    if current_plan(workspace).pk == package.pk:
        raise BillingError(_("You are already on the %(plan)s plan.") % {"plan": package.name}, code="already_on_plan")
    now = timezone.now()
    with transaction.atomic():
        line = Subscription.objects.create(
            workspace=workspace, package=package, months=1, amount=0, created_by=actor, provider="free",
            payment_status=Subscription.Status.PAID, paid_at=now, activated_at=now, starts_at=now,
            reference=f"NEW-{now.timestamp()}-{workspace.pk}")
        line.reference = _reference_for(line)
        line.save(update_fields=["reference"])
        enforcement.plan_shrunk(workspace=workspace, plan=package)
        audit_record(action="plan.changed", workspace=workspace, actor=actor, target=package.name)
    return line


def subscription_mark_paid(*, subscription_id, note="", now=None):
    """Confirm a payment: activate the plan and set its expiry. Safe to call twice.

    Renewing the plan you are on extends it (expiry = max(now, current expiry) + months); a different
    plan starts now, because people upgrade to use the bigger limits today.
    """
    now = now or timezone.now()
    with transaction.atomic():
        line = Subscription.objects.select_for_update().select_related("package", "workspace").get(
            pk=subscription_id)
        if line.payment_status == Subscription.Status.PAID:
            return line
        if line.payment_status == Subscription.Status.REFUNDED:
            raise BillingError(_("Invoice %(ref)s was refunded; create a new invoice instead.") % {
                "ref": line.reference}, code="invoice_refunded")
        current = current_subscription(line.workspace, now)
        start = now
        # A trial is not extended by paying: the paid months start now (the trial was the free look).
        if current and current.package_id == line.package_id and current.expiry_date and not current.is_trial:
            start = max(now, current.expiry_date)
        line.payment_status = Subscription.Status.PAID
        line.paid_at = line.activated_at = now
        line.starts_at = start
        line.expiry_date = add_months(start, line.months)
        line.lapse_handled_at = None
        if note:
            line.note = note[:200]
        line.save()
        enforcement.plan_grew(workspace=line.workspace, plan=line.package)
        # No actor given: the operator in the admin, the owner paying in sandbox mode (audit.context).
        audit_record(action="plan.paid", workspace=line.workspace, target=f"{line.package.name} {line.reference}",
                     months=line.months, amount=str(line.amount))
    return line


def subscription_sandbox_pay(*, subscription_id):
    """Sandbox mode's stand-in for a bank transfer; refused on a server that takes real money."""
    if not settings.SANDBOX_PAYMENTS:
        raise BillingError(_("Only an operator can confirm payments on this server."), code="sandbox_payments_off",
                           status_code=403)
    return subscription_mark_paid(subscription_id=subscription_id, note=_("Sandbox payment (no money moved)"))


PROOF_TYPES = ("image/jpeg", "image/png", "image/webp", "application/pdf")


def proof_max_bytes():
    return settings.BILLING_PROOF_MAX_MB * 1024 * 1024


def _proof_check(file):
    """The proof's real type, read from its bytes; a clear error for anything too big or not a receipt."""
    if not file:
        raise BillingError(_("Choose the photo or PDF of your transfer receipt."), code="proof_missing",
                           fields={"proof": _("Choose a file.")})
    if file.size > proof_max_bytes():
        message = _("The file is larger than %(mb)s MB. Upload a smaller photo or PDF of the receipt.") % {
            "mb": settings.BILLING_PROOF_MAX_MB}
        raise BillingError(message, code="proof_too_large", fields={"proof": message})
    mimetype = sniff_type(file, PROOF_TYPES)
    if mimetype is None:
        message = _("“%(name)s” is not a JPEG, PNG or WebP image or a PDF. Upload a photo, screenshot or PDF "
                    "of the transfer receipt.") % {"name": os.path.basename(file.name or "")[:80]}
        raise BillingError(message, code="proof_type", fields={"proof": message})
    return mimetype


def subscription_proof_upload(*, workspace, actor, reference, file):
    """The payer attaches a proof of transfer to an unpaid invoice. It does not mark the invoice paid: an
    operator still confirms the transfer. A new proof replaces the previous one (whose file is removed)."""
    mimetype = _proof_check(file)
    with transaction.atomic():
        line = Subscription.objects.for_workspace(workspace).select_for_update().get(reference=reference)
        if not line.is_unpaid:
            raise BillingError(_("Invoice %(ref)s is %(status)s; it needs no proof of transfer.") % {
                "ref": line.reference, "status": line.get_payment_status_display()}, code="invalid_transition")
        previous = line.proof.name if line.proof else ""
        storage = line.proof.storage
        # A name of our own: the payer's file name is kept for the download only, never used as a path.
        line.proof.save(f"{line.reference}-{uuid.uuid4().hex[:12]}{EXTENSIONS[mimetype]}", file, save=False)
        if previous:
            transaction.on_commit(lambda: storage.delete(previous))  # the replaced proof, once this one holds
        line.proof_mimetype = mimetype
        line.proof_filename = _download_name(file.name, fallback=line.proof.name)
        line.proof_uploaded_at = timezone.now()
        line.proof_uploaded_by = actor
        try:
            line.save(update_fields=["proof", "proof_mimetype", "proof_filename", "proof_uploaded_at",
                                     "proof_uploaded_by"])
        except Exception:
            storage.delete(line.proof.name)  # nothing points at the new file: do not leave it behind
            raise
    return line


def _download_name(name, *, fallback):
    """The payer's file name, printable and short, for the Content-Disposition of the download."""
    name = "".join(ch for ch in os.path.basename(name or "") if ch.isprintable())[-120:].strip()
    return name or os.path.basename(fallback)


def subscription_mark_failed(*, subscription_id, note=""):
    """The payment did not arrive or bounced. A late transfer can still be marked paid afterwards."""
    with transaction.atomic():
        line = Subscription.objects.select_for_update().get(pk=subscription_id)
        if line.payment_status != Subscription.Status.PENDING:
            raise BillingError(_("Only invoices waiting for payment can fail; %(ref)s is %(status)s.") % {
                "ref": line.reference, "status": line.get_payment_status_display()}, code="invalid_transition")
        line.payment_status = Subscription.Status.FAILED
        line.failed_at = timezone.now()
        if note:
            line.note = note[:200]
        line.save()
    return line


def subscription_refund(*, subscription_id, note=""):
    """Money went back: the line stops counting, and whatever the remaining plan does not allow pauses."""
    with transaction.atomic():
        line = Subscription.objects.select_for_update().select_related("workspace").get(pk=subscription_id)
        if line.payment_status != Subscription.Status.PAID:
            raise BillingError(_("Only paid invoices can be refunded; %(ref)s is %(status)s.") % {
                "ref": line.reference, "status": line.get_payment_status_display()}, code="invalid_transition")
        current = current_subscription(line.workspace)
        line.payment_status = Subscription.Status.REFUNDED
        line.refunded_at = timezone.now()
        if note:
            line.note = note[:200]
        line.save()
        # Refunding a line that no longer sets the plan (expired, superseded) pauses nothing.
        if current and current.pk == line.pk:
            enforcement.plan_shrunk(workspace=line.workspace, plan=current_plan(line.workspace))
        audit_record(action="plan.refunded", workspace=line.workspace, target=line.reference, amount=str(line.amount))
    return line


def subscriptions_expire(*, now=None):
    """Handle every paid line whose time ran out: pause what the plan after it does not allow.

    Idempotent: a line is claimed by setting `lapse_handled_at` with a conditional UPDATE, so two beat
    runs (or two workers) never pause twice. Returns the number of lines handled.
    """
    now = now or timezone.now()
    due = (Subscription.objects.filter(payment_status=Subscription.Status.PAID, expiry_date__lte=now,
                                       lapse_handled_at__isnull=True)
           .select_related("workspace", "package").order_by("expiry_date"))
    handled = 0
    for line in due:
        with transaction.atomic():
            claimed = Subscription.objects.filter(pk=line.pk, lapse_handled_at__isnull=True).update(
                lapse_handled_at=now)
            if claimed != 1:
                continue
            handled += 1
            # Only the line that set the plan until now matters: an earlier line that an upgrade or a
            # renewal superseded changes nothing when it runs out.
            just_before = current_subscription(line.workspace, line.expiry_date - timedelta(microseconds=1))
            plan = current_plan(line.workspace, now)
            if just_before and just_before.pk == line.pk and plan.pk != line.package_id:
                enforcement.plan_shrunk(workspace=line.workspace, plan=plan)
    return handled
