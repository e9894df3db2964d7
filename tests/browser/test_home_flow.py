"""A visitor's first page and a new owner's first steps (#20.18), at desktop and phone widths."""
import pytest

from contacts.models import Contact
from inbox.models import AutoReply

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [(1366, 900), (390, 844)]


def fits(page):
    """Nothing sticks out sideways: the page is as wide as the window."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def signup(page, live_server, email):
    page.fill("#id_full_name", "Dewi Lestari")
    page.fill("#id_workspace_name", "Batik Dewi")
    page.fill("#id_email", email)
    page.fill("#id_password", "batik-tulis-2026")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


@pytest.mark.parametrize("width,height", WIDTHS)
def test_visitor_home_then_first_steps_on_the_dashboard(page, live_server, width, height):
    page.set_viewport_size({"width": width, "height": height})
    refused = []  # the strict CSP: no inline script, handler or style on these pages
    page.on("console", lambda m: "Content Security Policy" in m.text and refused.append(m.text))
    page.goto(f"{live_server.url}/")
    assert "numbers banned" in page.inner_text("h1")
    for code in ("free", "pro", "enterprise"):
        assert page.is_visible(f"[data-testid=home-plan-{code}]")
    assert "Rp 199.000" in page.inner_text("[data-testid=home-plan-pro]")
    assert page.is_visible("[data-testid=home-signup]") and page.is_visible("[data-testid=home-login]")
    assert fits(page)

    page.click("[data-testid=home-signup]")
    page.wait_for_url(f"{live_server.url}/signup/")
    signup(page, live_server, f"dewi{width}@example.com")
    checklist = page.locator("[data-testid=first-steps]")
    assert checklist.is_visible()
    assert "0 of 4 done" in page.inner_text("[data-testid=first-steps-count]")
    assert page.locator(".first-step[data-done=false]").count() == 4
    assert fits(page)

    # Data appears (as an import and a rule would make it): the steps tick on the next visit.
    from accounts.models import Membership

    workspace = Membership.objects.get(user__email=f"dewi{width}@example.com").workspace
    Contact.objects.create(workspace=workspace, phone="6281234567890", name="Budi")
    AutoReply.objects.create(workspace=workspace, keyword="harga", response_text="Rp 50.000")
    page.reload()
    assert "2 of 4 done" in page.inner_text("[data-testid=first-steps-count]")
    assert page.get_attribute(".first-step[data-step=contacts]", "data-done") == "true"
    assert page.get_attribute(".first-step[data-step=device]", "data-done") == "false"

    page.click(".first-step[data-step=contacts] .first-step-label")
    page.wait_for_url(f"{live_server.url}/contacts/import/")
    page.go_back()
    page.click("[data-testid=first-steps-dismiss]")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("[data-testid=first-steps]").count() == 0
    assert "Hello, Dewi" in page.inner_text("h1")
    assert refused == []
