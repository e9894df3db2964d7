"""Team pages: members, pending invitations and the role matrix; inviting, revoking, removing; accepting."""
from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.errors import UserError
from config.forms import apply_user_error

from . import selectors, team
from .hooks import seat_policy
from .invitations import Invitation
from .models import Membership
from .permissions import matrix_rows
from .team_forms import InvitationSignupForm, InviteForm
from .tenancy import get_for_workspace_or_404
from .tenancy_web import workspace_view


def _team_page(request, form=None, status=200):
    workspace = request.workspace
    return render(request, "accounts/team.html", {
        "members": selectors.team_members(workspace),
        "invitations": selectors.pending_invitations(workspace),
        "form": form or InviteForm(),
        "matrix": matrix_rows(),
        "seats_used": seat_policy().usage(workspace),
        "seats_limit": seat_policy().limit(workspace),
    }, status=status)


@workspace_view("team:manage")
def team_page(request):
    return _team_page(request)


@require_POST
@workspace_view("team:manage")
def invite(request):
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invitation = team.invitation_create(workspace=request.workspace, actor=request.user,
                                                email=form.cleaned_data["email"])
        except UserError as exc:
            apply_user_error(form, exc)
        else:
            messages.success(request, _("Invitation sent to %(email)s. The link works for a week.") % {
                "email": invitation.email})
            return redirect("accounts:team")
    return _team_page(request, form=form, status=400)


@require_POST
@workspace_view("team:manage")
def invitation_revoke(request, pk):
    invitation = get_for_workspace_or_404(request, Invitation, pk=pk)
    team.invitation_revoke(workspace=request.workspace, invitation_id=invitation.pk)
    messages.success(request, _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email})
    return redirect("accounts:team")


@require_POST
@workspace_view("team:manage")
def member_remove(request, pk):
    membership = get_for_workspace_or_404(request, Membership, pk=pk)
    try:
        team.member_remove(workspace=request.workspace, actor=request.user, membership_id=membership.pk)
    except UserError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(email)s was removed from the team.") % {"email": membership.user.email})
    return redirect("accounts:team")


def invitation_accept(request, token):
    """Public: the link from the email. New people sign up here; existing users log in first."""
    try:
        invitation = team.invitation_for_token(token)
    except UserError as exc:
        if exc.status_code == 404:
            raise Http404(exc.message)
        return render(request, "accounts/team_invite.html", {"error": exc.message}, status=exc.status_code)
    context = {"invitation": invitation, "token": token}
    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                team.invitation_accept(token=token, user=request.user)
            except UserError as exc:
                context["error"] = exc.message
                return render(request, "accounts/team_invite.html", context, status=exc.status_code)
            messages.success(request, _("Welcome to %(ws)s! Your chats are in the inbox.") % {
                "ws": invitation.workspace.name})
            return redirect("accounts:dashboard")
        return render(request, "accounts/team_invite.html", context)
    form = InvitationSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = team.invitation_signup_accept(token=token, **form.cleaned_data, language=get_language())
        except UserError as exc:
            apply_user_error(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to %(ws)s! Your chats are in the inbox.") % {
                "ws": invitation.workspace.name})
            return redirect("accounts:dashboard")
    context["form"] = form
    return render(request, "accounts/team_invite.html", context, status=400 if form.errors else 200)
