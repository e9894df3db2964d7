"""The dashboard's charts in the browser (issue 18) at laptop (1366 px) and phone (390 px) width: each chart
drawn on a canvas of non-zero size from the JSON endpoints, its table behind it, the figures of a sandbox day
in the cards, no sideways scroll and no Content-Security-Policy violation. Screenshots go to test-artifacts/."""
import pytest
from django.utils import timezone

from accounts.models import Membership
from tests.browser.conftest import ARTIFACTS
from tests.factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _world():
    from analytics.rollup import days_rebuild
    from campaigns.models import Campaign, Recipient
    from devices.models import Device, WahaServer

    owner_m = MembershipFactory(role=Membership.Role.OWNER, user=UserFactory(email="dewi@example.com"))
    workspace = owner_m.workspace
    server = WahaServer.objects.create(name="dash", base_url="http://127.0.0.1:9", api_key="k")
    device = Device.objects.create(workspace=workspace, server=server, session_name="dash-1", label="Toko Dewi",
                                   phone_number="6281100000009", status=Device.Status.CONNECTED)
    campaign = Campaign.objects.create(workspace=workspace, name="Promo", message_template="Halo")
    now = timezone.now()
    for i in range(12):
        status = "READ" if i < 5 else "DELIVERED" if i < 9 else "SENT"
        Recipient.objects.create(workspace=workspace, campaign=campaign, phone=f"62812000{i:04d}", device_used=device,
                                 status=status, sent_at=now, delivered_at=now if i < 9 else None,
                                 read_at=now if i < 5 else None, replied_at=now if i < 3 else None)
    days_rebuild(workspace=workspace, days=7)


@pytest.mark.parametrize("width", [1366, 390])
def test_dashboard_charts_and_tables_at_laptop_and_phone_width(watched, live_server, width):
    page, problems = watched
    _world()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_email", "dewi@example.com")
    page.fill("#id_password", PASSWORD)
    page.click("[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    charts = page.locator("[data-chart]")
    assert charts.count() == 5
    # Waits by selector, not wait_for_function: the page's CSP forbids the eval a polled string needs.
    page.locator("[data-chart][data-loaded]").nth(4).wait_for(state="attached", timeout=45_000)
    assert page.locator('[data-field="sent"]').inner_text() == "12"
    assert page.locator('[data-field="replied"]').inner_text() == "3"
    assert page.locator('[data-field="read_rate"]').inner_text().startswith("41")
    for i in range(charts.count()):
        card = charts.nth(i)
        box = card.locator("canvas").bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0, card.get_attribute("data-testid")
        assert card.locator("table tbody tr").count() >= 1
        assert card.locator("table thead th").count() >= 2
    funnel = page.locator('[data-testid="chart-funnel-day"]')
    funnel.locator("summary").click()
    assert funnel.locator("tbody tr").first.inner_text().split()[-1] == "12"
    page.locator('[data-range="30d"]').click()
    page.locator('[data-range="30d"][aria-pressed="true"]').wait_for(state="attached")
    page.locator('[data-testid="chart-sends-day"] tbody tr').nth(29).wait_for(state="attached", timeout=45_000)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"dashboard-{width}.png"), full_page=True)
    assert problems == []
