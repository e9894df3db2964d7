"""Number health in the browser (issue 14): the score with its reasons on the devices list and the device's health
page with its history, at laptop (1366 px) and phone (390 px) width, with no Content-Security-Policy violation.
Screenshots go to test-artifacts/ for a look."""
import pytest
from django.utils import timezone

from accounts.models import Membership
from tests.browser.conftest import ARTIFACTS
from tests.factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _world():
    from devices import health
    from devices.models import Device, WahaServer
    from devices.waha import WahaLimited
    from devices.waha_limits import account_limits

    owner_m = MembershipFactory(role=Membership.Role.OWNER, user=UserFactory(email="sari@example.com"))
    server = WahaServer.objects.create(name="health", base_url="http://127.0.0.1:9", api_key="k")
    device = Device.objects.create(workspace=owner_m.workspace, server=server, session_name="health-1",
                                   label="Toko Batik Sari Solo", phone_number="6281100000001",
                                   status=Device.Status.CONNECTED, waha_status="WORKING")
    end = int(timezone.now().timestamp()) + 86_400
    health.limits_apply(device=device, limits=account_limits({"id": "x", "pushName": "x", "messageCapping": {
        "cappingStatus": "FIRST_WARNING", "totalQuota": 250, "usedQuota": 180, "cycleStart": end - 86_400,
        "cycleEnd": end}}))
    health.send_error_record(device=device, exc=WahaLimited("rate-overlimit", signal="rate_overlimit"))
    return device


@pytest.mark.parametrize("width", [1366, 390])
def test_health_shows_in_words_at_laptop_and_phone_width(watched, live_server, width):
    page, problems = watched
    device = _world()
    page.set_viewport_size({"width": width, "height": 860})
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_email", "sari@example.com")
    page.fill("#id_password", PASSWORD)
    page.click("[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(f"{live_server.url}/devices/")
    badge = page.locator('[data-testid="device-health"]')
    assert badge.inner_text() == "70"
    reasons = page.locator('[data-testid="device-health-reasons"]').inner_text()
    assert reasons == "capping first warning; 1 rate-overlimit answer today"
    assert page.locator('[data-testid="device-health-reasons"]').is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(ARTIFACTS / f"device-health-list-{width}.png"), full_page=True)

    badge.click()
    page.wait_for_url(f"{live_server.url}/devices/{device.session_name}/health")
    assert page.locator('[data-testid="health-score"]').inner_text() == "70"
    assert "180 of 250 new chats this cycle" in page.locator('[data-testid="health-capping"]').inner_text()
    assert page.locator('[data-testid="health-event"]').count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(ARTIFACTS / f"device-health-page-{width}.png"), full_page=True)
    assert problems == []
