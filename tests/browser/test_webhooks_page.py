"""The webhooks page in a browser (#15): reached from Settings, an endpoint is added (its secret shown once), a
test event appears in its delivery log; no CSP violation and nothing wider than the screen, at 1366 and 390 px."""
import pytest

from accounts.models import Membership, User, Workspace
from integrations import webhooks
from integrations.models import WebhookDelivery, WebhookEndpoint
from tests.browser.conftest import ARTIFACTS, open_watched, sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1366, 390])
def test_add_an_endpoint_and_send_a_test_event(browser, live_server, width, monkeypatch):
    monkeypatch.setattr("config.outbound._resolve", lambda host, port: ["93.184.215.14"])
    monkeypatch.setattr(webhooks, "_post", lambda endpoint, event, body, session=None: (200, "ok"))
    workspace = Workspace.objects.create(name="Toko Kait")
    owner = User.objects.create_user(f"kait{width}@example.com", PASSWORD, full_name="Kait")
    Membership.objects.create(user=owner, workspace=workspace, role=Membership.Role.OWNER)
    base = live_server.url
    context, page, problems = open_watched(browser, width)
    sign_in(page, base, owner.email, PASSWORD)

    page.goto(f"{base}/settings/")
    page.click("[data-testid=tab-webhooks]")
    page.wait_for_url(f"{base}/settings/webhooks/")
    page.fill("#id_url", "https://orders.example-shop.co.id/hooks/sebar/whatsapp-events")
    page.check("input[name=events][value='message.received']")
    page.check("input[name=events][value='contact.opted_out']")
    page.click("[data-testid=add-endpoint]")
    secret = page.input_value("[data-testid=new-endpoint-secret]")
    endpoint = WebhookEndpoint.objects.get()
    assert secret == endpoint.secret and endpoint.events == ["contact.opted_out", "message.received"]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"webhooks-{width}.png"), full_page=True)

    page.goto(f"{base}/settings/webhooks/")
    assert secret not in page.content()
    page.click(f"a[href='/settings/webhooks/{endpoint.pk}/']")
    page.click("[data-testid=send-test]")
    page.wait_for_selector("[data-testid=deliveries]")
    assert WebhookDelivery.objects.get().status == WebhookDelivery.Status.DELIVERED
    assert page.locator("[data-testid=delivery-delivered]").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(ARTIFACTS / f"webhook-endpoint-{width}.png"), full_page=True)

    page.click("[data-testid=tab-developers]")
    page.wait_for_url(f"{base}/settings/webhooks/developers/")
    assert "Sebar-Signature" in page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # code scrolls in its box
    page.screenshot(path=str(ARTIFACTS / f"developers-{width}.png"), full_page=True)
    assert problems == []
    context.close()
