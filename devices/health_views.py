"""The device health page: a number's score with its reasons, WhatsApp's limits on it, the history of what moved
the score, and (sandbox only) the controls that make the emulator play WhatsApp's signals."""
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import can
from accounts.tenancy import get_for_workspace_or_404
from accounts.tenancy_web import workspace_view
from config.errors import UserError

from . import health, health_panels, sandbox
from .forms import SandboxSignalForm
from .models import Device, DeviceHealthEvent

HISTORY = 50


@require_GET
@workspace_view("devices:view")
def device_health(request, session):
    device = get_for_workspace_or_404(request, Device, session_name=session)
    row = health.device_health_of(device)
    events = DeviceHealthEvent.objects.for_workspace(request.workspace).filter(device=device)[:HISTORY]
    brake = health.brake_of(device)
    return render(request, "devices/health.html", {
        "device": device, "health": row, "signals": health.device_signals(device), "brake": brake,
        "brake_words": health_panels.brake_words(brake),
        "timelock_until": health.timelock_until_of(row), "events": events,
        "can_manage": can(request.membership, "devices:manage"),
        "sandbox_on": sandbox.is_sandbox_device(device), "signal_form": SandboxSignalForm()})


@require_POST
@workspace_view("devices:manage")
def device_sandbox_signal(request, session):
    """Sandbox: the emulator plays the chosen signal, then the number's /me is read so the page shows it."""
    device = get_for_workspace_or_404(request, Device, session_name=session)
    form = SandboxSignalForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what WhatsApp should do."))
        return redirect("devices:health", session=device.session_name)
    try:
        sandbox.sandbox_signal(device=device, signal=form.cleaned_data["signal"])
    except UserError as exc:
        messages.error(request, exc.message)
    else:
        health.health_poll(device=device)
        messages.success(request, _("The emulator played it; the score below is read again from WhatsApp."))
    return redirect("devices:health", session=device.session_name)


@require_POST
@workspace_view("devices:manage")
def device_brake_resume(request, session):
    """The owner resumes a number paused for session drops: the drops so far no longer pause it."""
    device = get_for_workspace_or_404(request, Device, session_name=session)
    health.brake_resume(device=device)
    messages.success(request, _("Resumed: the number takes broadcasts again."))
    return redirect("devices:health", session=device.session_name)
