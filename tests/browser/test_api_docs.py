"""/api/docs/ renders Swagger UI with every request going to this server (works offline, no CDN)."""
from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1366, 390])
def test_api_docs_render_from_this_server_only(browser, live_server, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-US")
    context.set_default_timeout(15_000)
    page = context.new_page()
    hosts = []
    page.on("request", lambda request: hosts.append(urlsplit(request.url).netloc))
    # Anything for another host is cut off, as it would be on an offline server.
    page.route("**/*", lambda route: route.continue_() if urlsplit(route.request.url).netloc
               == urlsplit(live_server.url).netloc or route.request.url.startswith("data:") else route.abort())
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".opblock-tag", state="visible")
    assert "Sebar API" in page.inner_text(".information-container")
    assert page.locator(".opblock-tag").count() > 3
    own = urlsplit(live_server.url).netloc
    assert set(hosts) - {own, ""} == set(), hosts
    # The page fits the width: no sideways scrolling at phone width.
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    context.close()
