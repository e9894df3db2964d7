"""Reads about accounts that other apps use (billing counts agents through `agent_count`)."""
from .models import Membership


def agent_count(workspace):
    """Seats taken by agents: agent memberships (owners are not counted against the plan)."""
    return Membership.objects.for_workspace(workspace).filter(role=Membership.Role.AGENT).count()
