"""The gateway's side of online payment: its signed notifications (public, server to server), and the fake
gateway's checkout page that sandbox mode and tests "pay" on."""
import json
import logging

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.tenancy import get_for_workspace_or_404
from accounts.tenancy_web import workspace_view
from config.errors import UserError

from . import checkout
from .gateways import GATEWAYS, BadNotification, active_gateway
from .models import PaymentAttempt

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def notify(request, gateway):
    """POST /billing/gateway/<gateway>/notify: the gateway says how a payment went. No session: the signature in
    the body is the proof (checked before anything is read from the database). 401 for a forged one; 200 for
    everything else, so the gateway stops retrying what Sebar has already recorded or chose to ignore."""
    if gateway not in GATEWAYS or active_gateway() is None or active_gateway().code != gateway:
        raise Http404("No such payment gateway on this server")
    try:
        payload = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return HttpResponse("not JSON", status=400, content_type="text/plain")
    try:
        outcome = checkout.notification_receive(gateway_code=gateway, payload=payload)
    except BadNotification:
        return HttpResponse("bad signature", status=401, content_type="text/plain")
    return JsonResponse({"ok": True, "outcome": outcome})


def _fake_attempt(request, order_id):
    gateway = active_gateway()
    if gateway is None or gateway.code != "fake":
        raise Http404("The sandbox payment page is off on this server")
    return get_for_workspace_or_404(request, PaymentAttempt.objects.select_related("subscription__package"),
                                    order_id=order_id, gateway="fake")


@workspace_view("billing:manage")
def fake_gateway(request, order_id):
    """The sandbox's stand-in for Midtrans's payment page: the invoice's amount, and Pay / Let it expire."""
    return render(request, "billing/fake_gateway.html", {"attempt": _fake_attempt(request, order_id)})


@require_POST
@workspace_view("billing:manage")
def fake_gateway_pay(request, order_id):
    attempt = _fake_attempt(request, order_id)
    status = "expire" if request.POST.get("result") == "expire" else "settlement"
    try:
        checkout.fake_pay(workspace=request.workspace, order_id=attempt.order_id, transaction_status=status)
    except UserError as exc:
        messages.error(request, exc.message)
    else:
        if status == "settlement":
            messages.success(request, _("Payment received. Your %(plan)s plan is active.") % {
                "plan": attempt.subscription.package.name})
        else:
            messages.warning(request, _("The payment expired. You can pay again or transfer the amount."))
    return redirect("billing:invoice", reference=attempt.subscription.reference)
