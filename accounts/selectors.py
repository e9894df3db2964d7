"""Reads about accounts that other apps use (billing counts agent seats through `agent_count`)."""
from .models import Invitation, Membership


def agent_count(workspace):
    """Agent seats taken: agent memberships plus pending invitations (an invite holds its seat).

    Owners are not counted against the plan's agent limit.
    """
    agents = Membership.objects.for_workspace(workspace).filter(role=Membership.Role.AGENT).count()
    return agents + Invitation.objects.for_workspace(workspace).pending().count()


def team_members(workspace):
    return (Membership.objects.for_workspace(workspace).select_related("user")
            .order_by("-role", "user__email"))  # "owner" sorts after "agent" alphabetically: owners first


def pending_invitations(workspace):
    return Invitation.objects.for_workspace(workspace).pending().select_related("invited_by")
