"""The tenancy mechanism itself: scoped querysets, 404 across workspaces, role checks."""
import pytest
from django.http import Http404

from accounts.models import Membership
from accounts.permissions import MATRIX, can
from accounts.tenancy import get_for_workspace_or_404


def test_can_follows_the_matrix():
    owner, agent = Membership(role="owner"), Membership(role="agent")
    assert all(can(owner, p) for p in MATRIX)
    assert can(agent, "inbox:use") and can(agent, "contacts:view")
    for forbidden in ["billing:manage", "devices:manage", "team:manage", "contacts:export", "contacts:delete"]:
        assert not can(agent, forbidden)
    assert not can(None, "inbox:use")
    with pytest.raises(KeyError):
        can(owner, "no:such")


@pytest.mark.django_db
def test_get_for_workspace_or_404_refuses_other_workspace(workspace, owner, other_workspace, outsider):
    membership = Membership.objects.get(user=outsider)
    assert get_for_workspace_or_404(other_workspace, Membership, pk=membership.pk) == membership
    with pytest.raises(Http404):
        get_for_workspace_or_404(workspace, Membership, pk=membership.pk)
