"""Pages of the devices app: the list (live badges), Add device with a self-refreshing QR or a pairing
code, disconnect / reconnect, delete with confirmation, the broadcast switch, and sandbox helpers."""
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import can
from accounts.tenancy import get_for_workspace_or_404
from accounts.tenancy_web import workspace_view
from billing import limits
from billing.errors import LimitReached
from config.errors import UserError
from config.forms import apply_user_error

from . import sandbox, services
from .forms import DeviceAddForm, PairingCodeForm, SimulateInboundForm
from .models import Device
from .selectors import device_list as devices_of


def _device(request, session):
    return get_for_workspace_or_404(request, Device, session_name=session)


def _list_context(request):
    return {"devices": devices_of(request.workspace), "can_manage": can(request.membership, "devices:manage"),
            "sandbox_on": sandbox.is_sandbox_active(), "inbound_form": SimulateInboundForm()}


@require_GET
@workspace_view("devices:view")
def device_list(request):
    return render(request, "devices/list.html", _list_context(request))


@require_GET
@workspace_view("devices:view")
def device_rows(request):
    """The table body alone, polled by htmx so status badges stay live."""
    return render(request, "devices/_device_rows.html", _list_context(request))


@require_http_methods(["GET", "POST"])
@workspace_view("devices:manage")
def device_add(request):
    form = DeviceAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.device_create(workspace=request.workspace, label=form.cleaned_data["label"])
        except UserError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("devices:connect", session=device.session_name)
    return render(request, "devices/add.html", {"form": form, "limit_message": _limit_message(request.workspace)})


def _limit_message(workspace):
    """The plan-limit message shown before the user fills the form, or None when a device fits."""
    try:
        limits.check(workspace, "devices")
    except LimitReached as exc:
        return exc.message
    return None


@require_GET
@workspace_view("devices:manage")
def device_connect(request, session):
    device = _device(request, session)
    return render(request, "devices/connect.html", {
        "device": device, "pairing_form": PairingCodeForm(), "sandbox_on": sandbox.is_sandbox_device(device)})


@require_GET
@workspace_view("devices:manage")
def device_qr(request, session):
    """The QR partial, polled every few seconds until the phone is linked (then it stops polling)."""
    device = _device(request, session)
    qr, error = None, None
    # WAHA gives up after ~6 unscanned QRs (FAILED): stop polling and offer a fresh start instead.
    stopped = not device.is_connected and device.waha_status in services.STOPPED_STATUSES
    if not device.is_connected and not stopped:
        try:
            qr = services.device_qr(device=device)
        except UserError as exc:
            error = exc.message
    return render(request, "devices/_qr.html", {"device": device, "qr": qr, "error": error, "stopped": stopped})


@require_POST
@workspace_view("devices:manage")
def device_pairing_code(request, session):
    device = _device(request, session)
    form = PairingCodeForm(request.POST)
    code = None
    if form.is_valid():
        try:
            code = services.device_pairing_code(device=device, phone=form.cleaned_data["phone"])
        except UserError as exc:
            apply_user_error(form, exc)
    return render(request, "devices/_pairing_code.html", {"device": device, "pairing_form": form, "code": code,
                                                          "sandbox_on": sandbox.is_sandbox_device(device)})


@require_POST
@workspace_view("devices:manage")
def device_sandbox_scan(request, session):
    device = _device(request, session)
    try:
        sandbox.sandbox_scan(device=device)
    except UserError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The emulator scanned the QR. The number connects in a moment."))
    return redirect("devices:connect", session=device.session_name)


@require_POST
@workspace_view("devices:manage")
def device_simulate_inbound(request, session):
    device = _device(request, session)
    form = SimulateInboundForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Type the customer's message first."))
        return redirect("devices:list")
    try:
        sandbox.sandbox_inbound(device=device, text=form.cleaned_data["text"])
    except UserError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("A sandbox customer (+%(phone)s) wrote to %(device)s. Open the Inbox to see it.")
                         % {"phone": sandbox.FAKE_CUSTOMER, "device": device})
    return redirect("devices:list")


@require_http_methods(["GET", "POST"])
@workspace_view("devices:manage")
def device_disconnect(request, session):
    """GET asks first: logging a number out stops its broadcasts and needs the phone to link it again."""
    device = _device(request, session)
    if request.method == "GET":
        return render(request, "devices/disconnect.html", {"device": device})
    try:
        services.device_disconnect(device=device)
    except UserError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(device)s was logged out of WhatsApp.") % {"device": device})
    return redirect("devices:list")


@require_POST
@workspace_view("devices:manage")
def device_number_change_seen(request, session):
    device = _device(request, session)
    services.device_number_change_seen(device=device)
    return redirect("devices:list")


@require_POST
@workspace_view("devices:manage")
def device_reconnect(request, session):
    device = _device(request, session)
    try:
        services.device_reconnect(device=device)
    except UserError as exc:
        messages.error(request, exc.message)
        return redirect("devices:list")
    return redirect("devices:connect", session=device.session_name)


@require_POST
@workspace_view("devices:manage")
def device_broadcast(request, session):
    device = _device(request, session)
    try:
        services.device_update(device=device, is_active_for_broadcast=request.POST.get("on") == "1")
    except UserError as exc:
        messages.error(request, exc.message)
        if request.headers.get("HX-Request"):
            # A full reload shows the message beside the list; the partial alone has nowhere to put it.
            # htmx navigates on HX-Redirect without swapping the body, so none is rendered.
            return HttpResponse(headers={"HX-Redirect": reverse("devices:list")})
        return redirect("devices:list")
    if request.headers.get("HX-Request"):
        return render(request, "devices/_device_rows.html", _list_context(request))
    return redirect("devices:list")


@require_http_methods(["GET", "POST"])
@workspace_view("devices:manage")
def device_delete(request, session):
    device = _device(request, session)
    if request.method == "POST":
        try:
            services.device_delete(device=device)
        except UserError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("%(device)s was deleted.") % {"device": device})
            return redirect("devices:list")
    return render(request, "devices/delete.html", {"device": device})
