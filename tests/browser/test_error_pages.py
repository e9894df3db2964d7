"""What a visitor sees on a mistyped public link (with DEBUG on) and on a GET to a POST-only page."""
import pytest

from tests.factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1366, 390])
def test_mistyped_link_and_wrong_method_pages(browser, live_server, settings, width):
    settings.DEBUG = True  # the development server a new user runs: still no technical page for a visitor
    context = browser.new_context(viewport={"width": width, "height": 844}, locale="en-US")
    context.set_default_timeout(15_000)
    page = context.new_page()
    response = page.goto(f"{live_server.url}/link/promo-jnue")
    assert response.status == 404
    assert page.inner_text("h1") == "This link does not exist"
    assert "URLconf" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    user = MembershipFactory(user=UserFactory(email="sari@example.com")).user
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_email", user.email)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    response = page.goto(f"{live_server.url}/billing/choose/")
    assert response.status == 405
    assert page.inner_text("h1") == "This address is not a page"
    assert page.is_visible("a.btn[href='/']")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()
