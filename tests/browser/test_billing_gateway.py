"""Pay online on the fake gateway (#19): a workspace born on a Pro trial sees the days left, chooses Starter, pays
on the sandbox payment page and sees Starter active with its AI answers, without an operator; no CSP violation
and nothing wider than the screen, at 1366 and 390 px."""
import os

import pytest
from playwright.sync_api import expect

from accounts.models import Membership, User, Workspace
from billing.models import Package, PaymentAttempt, Subscription
from tests.browser.conftest import ARTIFACTS, open_watched, sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name, width):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
    if os.environ.get("SEBAR_SCREENSHOTS"):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", [1366, 390])
def test_trial_then_pay_on_the_fake_gateway(browser, live_server, settings, width):
    settings.BILLING_GATEWAY = "fake"
    Package.objects.filter(code="pro").update(trial_days=14)
    workspace = Workspace.objects.create(name="Toko Bayar")  # born now: gets the Pro trial
    owner = User.objects.create_user(f"bayar{width}@example.com", PASSWORD, full_name="Bayar")
    Membership.objects.create(user=owner, workspace=workspace, role=Membership.Role.OWNER)
    base = live_server.url
    context, page, problems = open_watched(browser, width)
    sign_in(page, base, owner.email, PASSWORD)

    page.goto(f"{base}/billing/")
    expect(page.locator("[data-testid=current-plan]")).to_have_text("Pro")
    expect(page.locator("[data-testid=trial-badge]")).to_be_visible()
    expect(page.locator("[data-testid=trial-days-left]")).to_contain_text("14 days left of your free trial")
    expect(page.locator("[data-testid=usage-ai_replies]")).to_have_text("0 / 1,000")
    _shot(page, "billing-trial", width)

    page.click("[data-testid=choose-starter]")
    page.wait_for_selector("[data-testid=pay-online]")
    expect(page.locator("[data-testid=invoice-total]")).to_have_text("Rp 99.000")
    _shot(page, "invoice-pay-online", width)
    page.click("[data-testid=pay-online-button]")
    page.wait_for_selector("[data-testid=fake-gateway]")
    expect(page.locator("[data-testid=fake-amount]")).to_have_text("Rp 99.000")
    _shot(page, "fake-gateway", width)
    page.click("[data-testid=fake-pay]")

    page.wait_for_selector("text=Your Starter plan is active")
    expect(page.locator("text=Paid, thank you")).to_be_visible()
    line = Subscription.objects.get(workspace=workspace, package__code="starter")
    assert line.payment_status == Subscription.Status.PAID and line.provider == "fake"
    assert PaymentAttempt.objects.get(subscription=line).status == PaymentAttempt.Status.PAID
    page.goto(f"{base}/billing/")
    expect(page.locator("[data-testid=current-plan]")).to_have_text("Starter")
    expect(page.locator("[data-testid=usage-ai_replies]")).to_have_text("0 / 100")
    _shot(page, "billing-paid", width)
    assert not problems, problems
    context.close()
