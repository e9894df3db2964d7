"""The brake in a browser (#14): a number paused for session drops shows on the dashboard's banner, its health page
says why with a Resume button, and Resume ends the pause; no CSP violation, nothing wider than the screen, at 1366
and 390 px."""
import pytest

from accounts.models import Membership, User, Workspace
from devices import health
from devices.models import Device, WahaServer
from tests.browser.conftest import ARTIFACTS, open_watched, sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1366, 390])
def test_a_paused_number_is_on_the_banner_and_resumes(browser, live_server, width, settings):
    settings.SEBAR_BRAKE_FLAPS = 3
    workspace = Workspace.objects.create(name="Toko Rem")
    owner = User.objects.create_user(f"rem{width}@example.com", PASSWORD, full_name="Rem")
    Membership.objects.create(user=owner, workspace=workspace, role=Membership.Role.OWNER)
    server = WahaServer.objects.create(name="s", base_url="http://127.0.0.1:9", api_key="k")
    device = Device.objects.create(workspace=workspace, session_name=f"rem{width}", server=server, label="Toko Rem CS",
                                   phone_number="6281100000009", status=Device.Status.CONNECTED, waha_status="WORKING")
    for _ in range(3):  # three drops today: the session flaps
        health.status_change_record(device=device, status="FAILED", previous="WORKING")
    base = live_server.url
    context, page, problems = open_watched(browser, width)
    sign_in(page, base, owner.email, PASSWORD)

    banner = page.locator("main .alert", has_text="Toko Rem CS")
    assert banner.count() == 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"brake-banner-{width}.png"), full_page=True)

    page.goto(f"{base}/devices/{device.session_name}/health")
    assert "Toko Rem CS" in page.inner_text("main")
    page.click("[data-testid=brake-resume]")
    page.wait_for_selector("[data-testid=health-brake]")
    assert "None: the number sends at its own pace" in page.inner_text("[data-testid=health-brake]")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(ARTIFACTS / f"brake-resumed-{width}.png"), full_page=True)
    page.goto(f"{base}/")
    assert page.locator("main .alert", has_text="Toko Rem CS").count() == 0
    assert problems == []
    context.close()
