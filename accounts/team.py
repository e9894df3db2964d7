"""Team writes: inviting agents by email, accepting an invitation, revoking it, removing an agent.

Agents are limited by the plan; a pending invitation holds a seat. A person belongs to one workspace,
so someone already in another workspace cannot join.

accounts sits below billing in the import map (STYLE.md §1): it asks the seat policy billing registers
(`accounts.hooks.seat_policy()`), never billing itself.
"""
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from config.errors import UserError

from . import tokens
from .hooks import seat_policy, sensitive_action
from .invitations import Invitation, default_expiry, new_token
from .language import writer_language
from .models import Membership, User
from .workspace_settings import supported_language


class TeamError(UserError):
    code = "team_invalid"


class InvitationInvalid(UserError):
    code = "invitation_invalid"
    status_code = 410


def _normal_email(email):
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise TeamError(_("Enter a valid email address, e.g. budi@example.com."),
                        fields={"email": _("Enter a valid email address.")})
    return email


def invitation_create(*, workspace, actor, email):
    """Invite `email` as an agent and send the link. Inviting the same address again resends it."""
    email = _normal_email(email)
    # Only this workspace's own members are told apart: whether an address belongs to another business is that
    # business's secret, so such an address is invited like any other and only its owner, on opening the link,
    # learns that they would have to leave their workspace first (invitation_accept).
    if Membership.objects.filter(workspace=workspace, user__email__iexact=email).exists():
        raise TeamError(_("%(email)s is already on your team.") % {"email": email},
                        fields={"email": _("Already a member.")})
    with transaction.atomic():
        invitation = Invitation.objects.for_workspace(workspace).pending().filter(email=email).first()
        if invitation:  # same seat: fresh link and expiry, no second seat
            invitation.token = new_token()
            invitation.expires_at = default_expiry()
            invitation.invited_by = actor
            invitation.save(update_fields=["token", "expires_at", "invited_by"])
        else:
            seat_policy().reserve(workspace)
            invitation = Invitation(workspace=workspace, email=email, invited_by=actor)
            invitation.full_clean()
            invitation.save()
        sensitive_action.send(__name__, action="member.invited", workspace=workspace, actor=actor, target=email)
        transaction.on_commit(lambda: invitation_send(invitation))
    return invitation


def invitation_send(invitation):
    """The email is written in the inviter's language (else the workspace's): the person invited has no
    language on Sebar yet, and the one who invites them is the one who knows which they read."""
    workspace, inviter = invitation.workspace, invitation.invited_by
    context = {"invitation": invitation, "workspace": workspace, "link": invitation.link,
               "inviter": inviter.get_full_name() if inviter else workspace.name,
               "days": settings.INVITATION_VALID_DAYS}
    with writer_language(inviter, workspace):
        subject = _("You're invited to %(workspace)s on Sebar") % {"workspace": workspace.name}
        message = render_to_string("accounts/team_invitation_email.txt", context)
    send_mail(subject=subject, message=message, from_email=settings.DEFAULT_FROM_EMAIL,
              recipient_list=[invitation.email])


def invitation_revoke(*, workspace, invitation_id):
    invitation = Invitation.objects.for_workspace(workspace).get(pk=invitation_id)
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        sensitive_action.send(__name__, action="invitation.revoked", workspace=workspace, target=invitation.email)
    return invitation


def invitation_for_token(token):
    """The invitation behind a link, or InvitationInvalid saying why it cannot be used."""
    invitation = Invitation.objects.select_related("workspace", "invited_by").filter(token=token).first()
    if invitation is None:
        raise InvitationInvalid(_("This invitation link is not valid. Ask the owner to send a new one."),
                                status_code=404)
    if invitation.accepted_at:
        raise InvitationInvalid(_("This invitation was already used. Log in instead."))
    if invitation.revoked_at:
        raise InvitationInvalid(_("This invitation was withdrawn by the owner."))
    if invitation.expires_at <= timezone.now():
        raise InvitationInvalid(_("This invitation has expired. Ask the owner to send a new one."))
    return invitation


def invitation_accept(*, token, user):
    """A logged-in user joins the invitation's workspace as an agent."""
    with transaction.atomic():
        invitation = invitation_for_token(token)
        invitation = Invitation.objects.select_for_update().select_related("workspace").get(pk=invitation.pk)
        if invitation.accepted_at:
            raise InvitationInvalid(_("This invitation was already used. Log in instead."))
        if user.email.lower() != invitation.email.lower():
            raise TeamError(_("This invitation is for %(invited)s, but you are logged in as %(you)s. Log out and "
                              "open the link again.") % {"invited": invitation.email, "you": user.email},
                            code="invitation_other_email", status_code=403)
        membership = Membership.objects.filter(user=user).select_related("workspace").first()
        if membership is not None:
            if membership.workspace_id == invitation.workspace_id:
                raise TeamError(_("You are already a member of %(ws)s.") % {"ws": invitation.workspace.name},
                                code="already_member")
            raise TeamError(_("You already belong to %(other)s. A person can be in one workspace only: ask "
                              "%(ws)s to invite another email address.") % {
                                  "other": membership.workspace.name, "ws": invitation.workspace.name},
                            code="member_elsewhere", status_code=409)
        # The invitation already holds its seat, so check "within the limit" without adding one.
        seat_policy().reserve(invitation.workspace, adding=0)
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        membership = Membership.objects.create(user=user, workspace=invitation.workspace,
                                               role=Membership.Role.AGENT)
        sensitive_action.send(__name__, action="member.joined", workspace=invitation.workspace, actor=user)
        user._sebar_membership = membership
    return membership


def invitation_signup_accept(*, token, full_name, password, language=""):
    """Someone new creates their account from the invitation link and joins as an agent; `language`, the
    one the page was read in, becomes the language of their pages."""
    invitation = invitation_for_token(token)
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise TeamError(_("An account with %(email)s already exists. Log in to accept the invitation.") % {
            "email": invitation.email}, code="email_taken")
    user = User(email=invitation.email, full_name=(full_name or "").strip(), language=supported_language(language))
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise TeamError(" ".join(exc.messages), code="weak_password", fields={"password": " ".join(exc.messages)})
    user.set_password(password)
    with transaction.atomic():
        user.full_clean()
        user.save()
        invitation_accept(token=token, user=user)
    return user


def member_remove(*, workspace, actor, membership_id):
    """Remove an agent from the workspace. Owners cannot be removed here. Their history stays."""
    membership = Membership.objects.for_workspace(workspace).select_related("user").get(pk=membership_id)
    if membership.role == Membership.Role.OWNER:
        raise TeamError(_("The owner cannot be removed from the workspace."), code="owner_not_removable")
    with transaction.atomic():
        membership.delete()
        sensitive_action.send(__name__, action="member.removed", workspace=workspace, actor=actor,
                              target=membership.user.email)
        # Their tokens and sessions would otherwise outlive the membership (a JWT is valid by its signature).
        tokens.revoke_all(membership.user)
    return membership
