"""Pages of the inbox's team settings: business hours and their messages, and each agent's capacity and own
working hours for the rotator. Each view: tenancy helper, form, one service call, a message and a redirect."""
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership
from accounts.tenancy import get_for_workspace_or_404
from accounts.tenancy_web import workspace_view
from config.errors import UserError
from config.forms import apply_user_error

from . import hours, rotation
from .forms import AgentAvailabilityForm, BusinessHoursForm


@workspace_view("settings:manage")
def business_hours(request):
    row = hours.business_hours_for(request.workspace)
    initial = {"enabled": row.enabled, "holidays": hours.holidays_text(row.holidays),
               "away_message": row.away_message, "welcome_message": row.welcome_message,
               "waiting_message": row.waiting_message, **BusinessHoursForm.initial_for(row.week)}
    form = BusinessHoursForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            hours.business_hours_update(
                workspace=request.workspace, enabled=data["enabled"], week=form.week(), holidays=data["holidays"],
                away_message=data["away_message"], welcome_message=data["welcome_message"],
                waiting_message=data["waiting_message"])
            messages.success(request, _("Business hours saved."))
            return redirect("inbox:business_hours")
        except UserError as exc:
            apply_user_error(form, exc)
    return render(request, "inbox/business_hours.html", {
        "form": form, "row": row, "open_now": hours.workspace_open(request.workspace, row=row),
        "local_now": timezone.localtime(timezone.now(), request.workspace.zone),
        "agents": rotation.agents_overview(workspace=request.workspace)})


@workspace_view("settings:manage")
def agent_availability(request, pk):
    membership = get_for_workspace_or_404(request, Membership, pk=pk)
    row = rotation.availability_for(membership)
    initial = {"capacity": row.capacity, "own_hours": row.week is not None,
               **AgentAvailabilityForm.initial_for(row.week)}
    form = AgentAvailabilityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            rotation.agent_availability_set(membership=membership, capacity=form.cleaned_data["capacity"],
                                            week=form.week() if form.cleaned_data["own_hours"] else None)
            messages.success(request, _("Saved: %(name)s's capacity and hours.")
                             % {"name": membership.user.get_full_name() or membership.user.email})
            return redirect("inbox:business_hours")
        except UserError as exc:
            apply_user_error(form, exc)
    return render(request, "inbox/agent_availability.html", {"form": form, "member": membership})
