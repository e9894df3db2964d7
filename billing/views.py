"""Billing pages: plans and usage, choosing a plan, one invoice with how to pay, and the ledger history."""
from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.tenancy import get_for_workspace_or_404
from accounts.tenancy_web import workspace_view
from common.files import private_file_response
from config.errors import UserError

from . import checkout, limits, selectors, services
from .forms import ChooseForm
from .gateways import active_gateway
from .models import PaymentAttempt, Subscription
from .payments import provider_for


@workspace_view("billing:manage")
def index(request):
    workspace = request.workspace
    subscription = selectors.current_subscription(workspace)
    plan = subscription.package if subscription else selectors.free_package()
    return render(request, "billing/index.html", {
        "subscription": subscription,
        "plan": plan,
        "days_left": selectors.days_left(subscription),
        "reminder": selectors.expiry_reminder(workspace),
        "usage": limits.usage_rows(workspace),
        "packages": [{"package": p, "features": selectors.plan_features(p)} for p in selectors.public_packages()],
        "pending": selectors.pending_invoices(workspace)[:5],
        "history": selectors.subscription_history(workspace)[:5],
        "paused_devices": selectors.paused_device_count(workspace),
        "month_choices": ChooseForm().fields["months"].choices,
    })


@require_POST
@workspace_view("billing:manage")
def choose(request):
    form = ChooseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pick a plan and a number of months."))
        return redirect("billing:index")
    try:
        line = services.subscription_choose(workspace=request.workspace, actor=request.user,
                                            package_id=form.cleaned_data["package_id"],
                                            months=form.cleaned_data["months"])
    except UserError as exc:
        messages.error(request, exc.message)
        return redirect("billing:index")
    if line.payment_status == Subscription.Status.PAID:
        messages.success(request, _("You are now on the %(plan)s plan.") % {"plan": line.package.name})
        return redirect("billing:index")
    text = (_("Invoice %(ref)s is ready. Pay online or transfer the amount below to activate %(plan)s.")
            if active_gateway() else _("Invoice %(ref)s is ready. Transfer the amount below to activate %(plan)s."))
    messages.info(request, text % {"ref": line.reference, "plan": line.package.name})
    return redirect("billing:invoice", reference=line.reference)


def _invoice_context(request, reference):
    line = get_for_workspace_or_404(request, Subscription.objects.select_related("package", "workspace"),
                                    reference=reference)
    instructions = provider_for(line).instructions(line) if line.is_unpaid else None
    return {"line": line, "instructions": instructions, "sandbox_payments": settings.SANDBOX_PAYMENTS,
            "gateway": active_gateway() if line.is_unpaid and line.amount else None,
            "attempts": PaymentAttempt.objects.for_workspace(request.workspace).filter(subscription=line)[:5],
            "proof_max_mb": settings.BILLING_PROOF_MAX_MB, "proof_accept": ",".join(services.PROOF_TYPES)}


@workspace_view("billing:manage")
def invoice(request, reference):
    return render(request, "billing/invoice.html", _invoice_context(request, reference))


@workspace_view("billing:manage")
def invoice_print(request, reference):
    """The invoice on its own, without the app around it: for the printer or "Save as PDF"."""
    return render(request, "billing/invoice_print.html", {
        **_invoice_context(request, reference), "seller_name": settings.BILLING_SELLER_NAME,
        "seller_address": settings.BILLING_SELLER_ADDRESS, "seller_email": settings.BILLING_CONTACT_EMAIL})


@workspace_view("billing:manage")
def invoice_proof(request, reference):
    """GET: the proof of transfer, as a download. POST: upload one (it does not mark the invoice paid)."""
    line = get_for_workspace_or_404(request, Subscription, reference=reference)
    if request.method == "POST":
        try:
            services.subscription_proof_upload(workspace=request.workspace, actor=request.user,
                                               reference=line.reference, file=request.FILES.get("proof"))
        except UserError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Proof received. We confirm the transfer and activate your plan, usually "
                                        "within one working day."))
        return redirect("billing:invoice", reference=line.reference)
    return proof_response(line)


def proof_response(line):
    """The stored proof of `line` (the caller checked who may see it), always as a download."""
    if not line.proof:
        raise Http404("No proof of transfer")
    return private_file_response(line.proof, mimetype=line.proof_mimetype, filename=line.proof_filename,
                                 download=True)


@require_POST
@workspace_view("billing:manage")
def invoice_sandbox_pay(request, reference):
    """Sandbox only: the owner plays the bank, through the same confirmation operators use."""
    line = get_for_workspace_or_404(request, Subscription, reference=reference)
    try:
        services.subscription_sandbox_pay(subscription_id=line.pk)
    except UserError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Sandbox: the transfer “arrived” and your plan is active."))
    return redirect("billing:invoice", reference=line.reference)


@require_POST
@workspace_view("billing:manage")
def invoice_pay(request, reference):
    """Pay online: open the gateway's checkout for this invoice and send the customer there."""
    line = get_for_workspace_or_404(request, Subscription, reference=reference)
    try:
        attempt = checkout.payment_start(workspace=request.workspace, actor=request.user, reference=line.reference)
    except UserError as exc:
        messages.error(request, exc.message)
        return redirect("billing:invoice", reference=line.reference)
    return redirect(attempt.redirect_url)


@workspace_view("billing:manage")
def history(request):
    return render(request, "billing/history.html", {
        "history": selectors.subscription_history(request.workspace)})
