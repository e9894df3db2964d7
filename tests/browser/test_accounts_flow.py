"""A new user signs up, lands on the dashboard, logs out and logs back in, in a real browser."""
import pytest

from accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_signup_logout_login(page, live_server):
    page.goto(f"{live_server.url}/signup/")
    page.fill("#id_full_name", "Dewi Lestari")
    page.fill("#id_workspace_name", "Batik Dewi")
    page.fill("#id_email", "dewi@example.com")
    page.fill("#id_password", "batik-tulis-2026")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert "Hello, Dewi" in page.inner_text("h1")
    assert User.objects.filter(email="dewi@example.com").exists()

    page.click(".user-menu summary")
    page.click("[data-testid=logout]")
    page.wait_for_url(f"{live_server.url}/login/")

    page.fill("#id_email", "dewi@example.com")
    page.fill("#id_password", "batik-tulis-2026")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert "Hello, Dewi" in page.inner_text("h1")


def test_phone_width_menu_opens(page, live_server):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/signup/")
    page.fill("#id_full_name", "Rina")
    page.fill("#id_workspace_name", "Kue Rina")
    page.fill("#id_email", "rina@example.com")
    page.fill("#id_password", "kue-lapis-2026")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert not page.is_visible("nav >> text=Contacts")
    page.click("[data-toggle-sidebar]")
    page.wait_for_selector("nav >> text=Contacts", state="visible")
