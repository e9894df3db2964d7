"""A broadcast scheduled for 09:00 in an Asia/Jakarta workspace reads 09:00 back on its page and in the
list (it read 02:00, the UTC time), at desktop and phone widths."""
import datetime

import pytest

from accounts.models import Membership
from campaigns.models import Campaign
from contacts.services import contact_create
from devices.models import Device, WahaServer
from tests.factories import PASSWORD, MembershipFactory, UserFactory, WorkspaceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, live_server, email):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_email", email)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


@pytest.mark.parametrize("width", [1366, 390])
def test_scheduled_broadcast_reads_back_in_the_workspace_zone(page, live_server, width):
    page.set_viewport_size({"width": width, "height": 900})
    workspace = WorkspaceFactory(name="Batik Dewi", time_zone="Asia/Jakarta")
    user = MembershipFactory(workspace=workspace, role=Membership.Role.OWNER,
                             user=UserFactory(email=f"dewi{width}@example.com")).user
    server = WahaServer.objects.create(name="s", base_url="http://127.0.0.1:9", api_key="k")
    Device.objects.create(workspace=workspace, session_name=f"s{width}", server=server, label="Toko",
                          phone_number="6281100000001", status=Device.Status.CONNECTED, waha_status="WORKING")
    contact_create(workspace=workspace, phone="+62 812 5555 0001", name="Ani", tags=["VIP"])
    login(page, live_server, user.email)

    page.goto(f"{live_server.url}/campaigns/new/")
    page.fill("#id_name", "Pagi")
    page.fill("#id_message", "Halo [name]")
    page.fill("#id_schedule", "01/06/2030 09:00")
    page.click("text=Start campaign")
    page.wait_for_selector("#progress")
    campaign = Campaign.objects.get(name="Pagi")
    assert campaign.scheduled_at == datetime.datetime(2030, 6, 1, 2, 0, tzinfo=datetime.UTC)
    assert "09:00" in page.inner_text("#progress")
    assert "02:00" not in page.inner_text("main")
    page.goto(f"{live_server.url}/campaigns/")
    assert "09:00" in page.inner_text("main")
