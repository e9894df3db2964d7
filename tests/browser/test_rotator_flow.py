"""An owner creates a link in the browser, then a visitor follows it to WhatsApp (wa.me stubbed locally)."""
from urllib.parse import parse_qs, urlsplit

import pytest

from accounts.models import Membership
from rotator import clicks
from rotator.models import LinkRotator
from tests.factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# Headless Chromium says "HeadlessChrome", which the rotator rightly files as a bot; this is a person on a phone.
PHONE_UA = ("Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0 Mobile Safari/537.36")


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, user_agent=PHONE_UA, locale="id-ID")
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()
    from config.redis import get_redis, key

    keys = list(get_redis().scan_iter(match=key("*"), count=500))
    if keys:
        get_redis().delete(*keys)


def test_create_link_and_follow_it(page, live_server, settings):
    settings.SITE_URL = live_server.url  # the public URL the list shows and the visitor clicks
    user = MembershipFactory(role=Membership.Role.OWNER, user=UserFactory(email="sari@example.com")).user
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_email", user.email)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/links/")
    page.click("[data-testid=new-link]")
    page.fill("#id_slug", "Promo-Juni")
    page.fill("#id_name", "Iklan Juni")
    page.select_option("#id_mode", "SEQUENTIAL")
    page.fill("#id_text", "Halo kak, saya mau order")
    page.fill("#id_numbers-0-phone", "0812 1111 1111")
    page.click("[data-testid=add-number]")
    page.fill("#id_numbers-1-phone", "+62 822 2222 2222")
    page.fill("#id_numbers-1-weight", "2")
    page.click("[data-testid=save-link]")
    page.wait_for_url(f"{live_server.url}/links/")
    public = page.inner_text("[data-testid=public-url]")
    assert public == f"{live_server.url}/link/promo-juni"
    assert LinkRotator.objects.get().numbers.count() == 2

    # The public link answers 302 to wa.me; asked without following, nothing leaves this machine.
    response = page.request.get(f"{live_server.url}/link/promo-juni", max_redirects=0)
    assert response.status == 302
    location = urlsplit(response.headers["location"])
    assert (location.netloc, location.path) == ("wa.me", "/6281211111111")
    assert parse_qs(location.query)["text"] == ["Halo kak, saya mau order"]

    # A visitor clicks the link on the page. Playwright cannot intercept the hop to wa.me inside a redirect
    # chain, so the browser's request to /link/ is fetched for real without following the redirect, and
    # the page is shown where WhatsApp would open: the test never leaves loopback.
    seen = []

    def stop_at_redirect(route):
        answer = route.fetch(max_redirects=0)
        seen.append((answer.status, answer.headers.get("location", "")))
        route.fulfill(status=200, content_type="text/html", body="<h1>Opening WhatsApp</h1>")

    page.context.route("**/link/**", stop_at_redirect)
    with page.context.expect_page() as visitor:
        page.click("[data-testid=public-url]")
    visitor.value.wait_for_load_state()
    assert visitor.value.inner_text("h1") == "Opening WhatsApp"
    assert seen[0][0] == 302 and seen[0][1].startswith("https://wa.me/6282222222222?text=")

    assert clicks.clicks_flush() == 2
    page.goto(f"{live_server.url}/links/")
    assert page.inner_text("[data-testid=rotator-row] strong") == "2"
