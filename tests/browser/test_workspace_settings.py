"""An owner changes the business name, time zone, phone region and customers' language on the settings page
(the admin was the only way), at desktop and phone widths; the selects show names, not codes (#20.15)."""
import pytest

from accounts.models import Membership
from tests.factories import PASSWORD, MembershipFactory, UserFactory, WorkspaceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1366, 390])
def test_owner_changes_the_workspace_settings(page, live_server, width):
    page.set_viewport_size({"width": width, "height": 900})
    workspace = WorkspaceFactory(name="Toko Baru", time_zone="Asia/Jakarta")
    user = MembershipFactory(workspace=workspace, role=Membership.Role.OWNER,
                             user=UserFactory(email=f"dewi{width}@example.com")).user
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_email", user.email)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    if width < 800:
        page.click("[data-toggle-sidebar]")
    page.click("nav a[href='/settings/']")
    page.wait_for_url(f"{live_server.url}/settings/")

    assert page.eval_on_selector("#id_default_region", "s => s.selectedOptions[0].text") == "Indonesia (+62)"
    page.fill("#id_name", "Batik Dewi")
    page.select_option("#id_time_zone", "Asia/Makassar")
    page.select_option("#id_default_region", label="Malaysia (+60)")
    page.select_option("#id_language", "id")
    page.click("[data-testid=save-settings]")
    page.wait_for_selector(".alert-success")
    # Nothing is wider than the screen on a phone: the long zone and region labels stay inside.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    workspace.refresh_from_db()
    assert (workspace.name, workspace.time_zone, workspace.default_region, workspace.language) == (
        "Batik Dewi", "Asia/Makassar", "MY", "id")
    assert page.eval_on_selector("#id_time_zone", "s => s.value") == "Asia/Makassar"
