"""Billing pages: plans and usage bars, choosing a plan, the invoice, history, and the admin's Mark paid."""
import pytest
from django.urls import reverse

from billing import services
from billing.models import Subscription
from tests.billing.helpers import contacts, devices, plan
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_index_shows_plan_usage_and_prices(owner_client, workspace):
    devices(workspace, 1)
    contacts(workspace, 13)
    html = owner_client.get("/billing/").content.decode()
    assert 'data-testid="current-plan">Free<' in html
    assert 'data-testid="usage-devices">1 / 1<' in html
    assert 'data-testid="usage-contacts">13 / 500<' in html
    assert "Rp 199.000" in html and "Rp 999.000" in html
    assert "Unlimited contacts" in html


def test_choose_pro_redirects_to_the_invoice(owner_client, settings):
    settings.BILLING_BANK_ACCOUNT_NUMBER = "0987654321"
    response = owner_client.post("/billing/choose/", {"package_id": plan("pro").pk, "months": 3})
    line = Subscription.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/billing/invoices/{line.reference}/"
    html = owner_client.get(response["Location"]).content.decode()
    assert "Rp 597.000" in html and "Rp 897,000" not in html and "0987654321" in html and line.reference in html
    assert "Waiting for payment" in html
    assert line.reference in owner_client.get("/billing/invoices/").content.decode()


def test_choose_with_bad_input_shows_a_message(owner_client):
    response = owner_client.post("/billing/choose/", {"package_id": 9999, "months": 1}, follow=True)
    assert "That plan does not exist" in response.content.decode()
    assert not Subscription.objects.exists()


def test_agents_get_403_everywhere(agent_client, workspace, owner):
    line = services.subscription_choose(workspace=workspace, actor=owner, package_id=plan("pro").pk, months=1)
    for url in ["/billing/", "/billing/invoices/", f"/billing/invoices/{line.reference}/"]:
        assert agent_client.get(url).status_code == 403
    assert agent_client.post("/billing/choose/", {"package_id": plan("pro").pk}).status_code == 403
    assert Subscription.objects.count() == 1


def test_admin_mark_paid_action(client, workspace, owner):
    line = services.subscription_choose(workspace=workspace, actor=owner, package_id=plan("pro").pk, months=1)
    operator = UserFactory(email="ops@example.com", is_staff=True, is_superuser=True)
    client.force_login(operator, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("admin:billing_subscription_changelist")
    assert line.reference in client.get(url).content.decode()
    response = client.post(url, {"action": "mark_paid", "_selected_action": [line.pk]}, follow=True)
    assert "1 invoice(s) marked paid." in response.content.decode()
    line.refresh_from_db()
    assert line.payment_status == "PAID" and line.expiry_date
    response = client.post(url, {"action": "mark_failed", "_selected_action": [line.pk]}, follow=True)
    assert "Only invoices waiting for payment can fail" in response.content.decode()
    response = client.post(url, {"action": "refund", "_selected_action": [line.pk]}, follow=True)
    line.refresh_from_db()
    assert line.payment_status == "REFUNDED"
    assert client.get(reverse("admin:billing_package_changelist")).status_code == 200


def test_package_features_are_validated():
    from django.core.exceptions import ValidationError

    pro = plan("pro")
    pro.features = {**pro.features, "max_agentz": 3}
    with pytest.raises(ValidationError, match="Unknown keys max_agentz"):
        pro.full_clean()
    pro.features = {"max_agents": -1}
    with pytest.raises(ValidationError, match="max_agents must be a whole number"):
        pro.full_clean()
    pro.features = {"ai_replies": "yes"}
    with pytest.raises(ValidationError, match="whole number"):
        pro.full_clean()


def test_plan_card_and_reminders_are_for_owners_only(owner_client, agent_client):
    assert "Upgrade for more numbers and contacts" in owner_client.get("/").content.decode()
    assert "Upgrade for more numbers and contacts" not in agent_client.get("/").content.decode()


def test_admin_one_click_mark_paid_button(client, workspace, owner):
    line = services.subscription_choose(workspace=workspace, actor=owner, package_id=plan("pro").pk, months=1)
    staff = UserFactory(email="ops2@example.com", is_staff=True, is_superuser=True)
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("admin:billing_subscription_changelist")
    assert f'name="_mark_paid_one" value="{line.pk}"' in client.get(url).content.decode()
    response = client.post(url, {"_mark_paid_one": str(line.pk)}, follow=True)
    assert "1 invoice(s) marked paid." in response.content.decode()
    line.refresh_from_db()
    assert line.payment_status == "PAID"
    assert f'name="_mark_paid_one" value="{line.pk}"' not in response.content.decode()


def test_admin_needs_staff(client, owner):
    client.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(reverse("admin:billing_subscription_changelist"), {"_mark_paid_one": "1"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_plan_card_is_not_computed_for_agents(agent_client, monkeypatch):
    from billing import selectors

    def not_for_agents(workspace):
        raise AssertionError("the plan card was computed for an agent who cannot see it")

    monkeypatch.setattr(selectors, "dashboard_card", not_for_agents)
    assert agent_client.get("/").status_code == 200


def test_sandbox_pay_activates_the_plan_only_where_sandbox_payments_are_on(owner_client, workspace, owner,
                                                                             outsider_client, settings):
    from billing.selectors import current_plan

    line = services.subscription_choose(workspace=workspace, actor=owner, package_id=plan("pro").pk, months=1)
    url = f"/billing/invoices/{line.reference}/sandbox-pay"
    settings.SANDBOX_PAYMENTS = False
    assert 'data-testid="sandbox-pay"' not in owner_client.get(f"/billing/invoices/{line.reference}/").content.decode()
    owner_client.post(url)
    line.refresh_from_db()
    assert line.payment_status == Subscription.Status.PENDING  # a server taking real money refuses
    settings.SANDBOX_PAYMENTS = True
    assert 'data-testid="sandbox-pay"' in owner_client.get(f"/billing/invoices/{line.reference}/").content.decode()
    assert outsider_client.post(url).status_code == 404  # another tenant's invoice
    line.refresh_from_db()
    assert line.payment_status == Subscription.Status.PENDING
    assert owner_client.post(url).status_code == 302
    line.refresh_from_db()
    assert line.payment_status == Subscription.Status.PAID and "Sandbox" in line.note
    assert current_plan(workspace).code == "pro"


def test_agents_cannot_sandbox_pay(agent_client, workspace, owner, settings):
    settings.SANDBOX_PAYMENTS = True
    line = services.subscription_choose(workspace=workspace, actor=owner, package_id=plan("pro").pk, months=1)
    assert agent_client.post(f"/billing/invoices/{line.reference}/sandbox-pay").status_code == 403
