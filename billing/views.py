"""Billing pages: plans and usage, choosing a plan, one invoice with how to pay, and the ledger history."""
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.tenancy import get_for_workspace_or_404
from accounts.tenancy_web import workspace_view
from config.errors import UserError

from . import limits, selectors, services
from .forms import ChooseForm
from .models import Subscription
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
    messages.info(request, _("Invoice %(ref)s is ready. Transfer the amount below to activate %(plan)s.") % {
        "ref": line.reference, "plan": line.package.name})
    return redirect("billing:invoice", reference=line.reference)


@workspace_view("billing:manage")
def invoice(request, reference):
    line = get_for_workspace_or_404(request, Subscription.objects.select_related("package"), reference=reference)
    instructions = None
    if line.payment_status in (Subscription.Status.PENDING, Subscription.Status.FAILED):
        instructions = provider_for(line).instructions(line)
    return render(request, "billing/invoice.html", {"line": line, "instructions": instructions,
                                                    "sandbox_payments": settings.SANDBOX_PAYMENTS})


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


@workspace_view("billing:manage")
def history(request):
    return render(request, "billing/history.html", {
        "history": selectors.subscription_history(request.workspace)})
