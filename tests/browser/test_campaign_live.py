"""The campaign page without reloads: recipients appear in the table as the audience is frozen, and once
it completes Pause and Cancel are gone, at desktop and phone widths."""
import pytest
from django.utils import timezone

from accounts.models import Membership
from campaigns.models import Campaign, Recipient
from tests.browser.test_campaign_schedule_zone import login
from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1366, 390])
def test_campaign_page_follows_the_campaign_without_reload(page, live_server, width):
    page.set_viewport_size({"width": width, "height": 900})
    workspace = WorkspaceFactory(name="Batik Dewi")
    user = MembershipFactory(workspace=workspace, role=Membership.Role.OWNER,
                             user=UserFactory(email=f"live{width}@example.com")).user
    campaign = Campaign.objects.create(workspace=workspace, name="Live", message_template="Hi",
                                       status=Campaign.Status.PROCESSING, started_at=timezone.now())
    login(page, live_server, user.email)
    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/")
    assert "No recipients match" in page.inner_text("#recipients-table")
    assert page.is_visible("#campaign-actions >> text=Pause")

    Recipient.objects.create(workspace=workspace, campaign=campaign, phone="6281", name="Ani", status="PENDING")
    page.wait_for_function("() => document.querySelector('#recipients-table').innerText.includes('Ani')")
    Recipient.objects.filter(campaign=campaign).update(status="SENT", sent_at=timezone.now())
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.COMPLETED, finished_at=timezone.now())
    page.wait_for_selector("#progress[data-status=COMPLETED]")
    assert page.locator("#campaign-actions form").count() == 0
    assert "Sent" in page.inner_text("#recipients-table")
    assert page.inner_text("[data-testid=percent]") == "100%"
