"""The owner chooses Pro, an operator marks the invoice paid in the Django admin, the new limits apply."""
import pytest

from accounts.models import Membership, User, Workspace
from billing.models import Subscription
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, base, email, path="/login/"):
    page.goto(f"{base}{path}")
    page.fill("#id_email" if path == "/login/" else "#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("[type=submit]")


def test_choose_pro_operator_marks_paid_limit_grows(browser, live_server):
    workspace = Workspace.objects.create(name="Toko Maju")
    owner = User.objects.create_user("maju@example.com", PASSWORD, full_name="Maju")
    Membership.objects.create(user=owner, workspace=workspace, role=Membership.Role.OWNER)
    User.objects.create_superuser("ops@example.com", PASSWORD)
    base = live_server.url

    owner_ctx = browser.new_context(viewport={"width": 1280, "height": 860}, locale="en-US")
    owner_page = owner_ctx.new_page()
    login(owner_page, base, "maju@example.com")
    owner_page.wait_for_url(f"{base}/")
    owner_page.goto(f"{base}/billing/")
    assert owner_page.inner_text("[data-testid=current-plan]") == "Free"
    assert owner_page.inner_text("[data-testid=usage-devices]") == "0 / 1"
    owner_page.select_option("[data-testid=plan-pro] select[name=months]", "1")
    owner_page.click("[data-testid=choose-pro]")
    owner_page.wait_for_selector("[data-testid=payment-instructions]")
    line = Subscription.objects.get(workspace=workspace)
    assert line.reference in owner_page.inner_text("[data-testid=payment-instructions]")
    assert owner_page.inner_text("[data-testid=invoice-total]") == "Rp 199.000"

    ops_ctx = browser.new_context(viewport={"width": 1280, "height": 860}, locale="en-US")
    ops = ops_ctx.new_page()
    login(ops, base, "ops@example.com", path="/admin/login/?next=/admin/billing/subscription/")
    ops.wait_for_url(f"{base}/admin/billing/subscription/")
    ops.check(f"input[name=_selected_action][value='{line.pk}']")
    ops.select_option("select[name=action]", "mark_paid")
    ops.click("button[name=index]")
    ops.wait_for_selector("text=1 invoice(s) marked paid.")
    ops_ctx.close()

    line.refresh_from_db()
    assert line.payment_status == Subscription.Status.PAID
    owner_page.goto(f"{base}/billing/")
    assert owner_page.inner_text("[data-testid=current-plan]") == "Pro"
    assert owner_page.inner_text("[data-testid=usage-devices]") == "0 / 5"
    assert owner_page.inner_text("[data-testid=usage-contacts]") == "0 / 25,000"
    owner_ctx.close()
