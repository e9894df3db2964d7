"""Online payment (#19): Midtrans Snap over `responses` (nothing reaches the internet), its signed notifications
applied once whatever their order, forged or wrong-amount ones refused, and the fake gateway's page."""
import base64
import hashlib
import json

import pytest
import responses

from audit.models import AuditEntry
from billing import services
from billing.models import PaymentAttempt, Subscription
from billing.selectors import current_plan
from tests.billing.helpers import plan

pytestmark = pytest.mark.django_db

KEY = "SB-Mid-server-TESTKEY"
SNAP = "https://app.sandbox.midtrans.com/snap/v1/transactions"
NOTIFY = "/billing/gateway/midtrans/notify"


@pytest.fixture
def midtrans(settings):
    settings.BILLING_GATEWAY, settings.MIDTRANS_SERVER_KEY, settings.MIDTRANS_PRODUCTION = "midtrans", KEY, False
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(responses.POST, SNAP, status=201,
                 json={"token": "tok-1", "redirect_url": "https://app.sandbox.midtrans.com/snap/v4/redirection/tok-1"})
        yield mock


@pytest.fixture
def invoice(workspace, owner):
    return services.subscription_choose(workspace=workspace, actor=owner, package_id=plan("pro").pk, months=3)


def signed(order_id, status, gross, *, status_code="200", key=KEY, **extra):
    """A notification as Midtrans documents it: signature_key = SHA512(order_id + status_code + gross_amount + key)."""
    signature = hashlib.sha512(f"{order_id}{status_code}{gross}{key}".encode()).hexdigest()
    return {"order_id": order_id, "status_code": status_code, "gross_amount": gross, "transaction_status": status,
            "signature_key": signature, "payment_type": "bank_transfer", "fraud_status": "accept", **extra}


def post(client, payload):
    return client.post(NOTIFY, data=json.dumps(payload), content_type="application/json")


def pay_click(owner_client, invoice):
    response = owner_client.post(f"/billing/invoices/{invoice.reference}/pay")
    assert response.status_code == 302, response
    return response, PaymentAttempt.objects.get(subscription=invoice, status="PENDING")


def test_pay_opens_a_snap_checkout_and_sends_the_customer_there(owner_client, invoice, midtrans):
    response, attempt = pay_click(owner_client, invoice)
    assert response["Location"] == "https://app.sandbox.midtrans.com/snap/v4/redirection/tok-1"
    call = midtrans.calls[0]
    body = json.loads(call.request.body)
    assert body["transaction_details"] == {"order_id": attempt.order_id, "gross_amount": 597_000}
    assert body["callbacks"]["finish"].endswith(f"/billing/invoices/{invoice.reference}/")
    assert call.request.headers["Authorization"] == "Basic " + base64.b64encode(f"{KEY}:".encode()).decode()
    # A second click within the day reuses the open checkout instead of opening another.
    again = owner_client.post(f"/billing/invoices/{invoice.reference}/pay")
    assert again["Location"] == response["Location"] and len(midtrans.calls) == 1


def test_a_refused_checkout_says_so_and_the_bank_transfer_stays(owner_client, invoice, settings):
    settings.BILLING_GATEWAY, settings.MIDTRANS_SERVER_KEY = "midtrans", KEY
    with responses.RequestsMock() as mock:
        mock.add(responses.POST, SNAP, status=401, json={"error_messages": ["Access denied"]})
        response = owner_client.post(f"/billing/invoices/{invoice.reference}/pay", follow=True)
    html = response.content.decode()
    assert "The payment gateway refused this payment" in html and 'data-testid="payment-instructions"' in html
    assert PaymentAttempt.objects.get().status == "FAILED"


def test_a_signed_settlement_activates_the_plan_once(client, owner_client, invoice, midtrans, workspace):
    _, attempt = pay_click(owner_client, invoice)
    note = signed(attempt.order_id, "settlement", "597000.00")
    first = post(client, note)
    assert first.status_code == 200 and first.json()["outcome"] == "paid"
    invoice.refresh_from_db()
    assert invoice.payment_status == "PAID" and invoice.provider == "midtrans" and current_plan(workspace).code == "pro"
    paid_at, expiry = invoice.paid_at, invoice.expiry_date
    assert post(client, note).json()["outcome"] == "duplicate"  # Midtrans may send the same one twice
    invoice.refresh_from_db()
    assert (invoice.paid_at, invoice.expiry_date) == (paid_at, expiry)
    assert AuditEntry.objects.filter(workspace=workspace, action="plan.paid").count() == 1
    # An "expire" that arrives late changes nothing.
    assert post(client, signed(attempt.order_id, "expire", "597000.00", status_code="407")).json()["outcome"] == \
        "ignored"
    invoice.refresh_from_db()
    assert invoice.payment_status == "PAID" and PaymentAttempt.objects.get().status == "PAID"


def test_a_forged_notification_changes_nothing_and_is_logged(client, owner_client, invoice, midtrans, caplog):
    _, attempt = pay_click(owner_client, invoice)
    forged = signed(attempt.order_id, "settlement", "597000.00", key="not-the-server-key")
    response = post(client, forged)
    assert response.status_code == 401
    tampered = signed(attempt.order_id, "settlement", "597000.00")
    tampered["transaction_status"] = "settlement"
    tampered["order_id"] = attempt.order_id + "x"  # the signature no longer covers it
    assert post(client, tampered).status_code == 401
    assert post(client, {"order_id": attempt.order_id, "transaction_status": "settlement"}).status_code == 401
    invoice.refresh_from_db()
    assert invoice.payment_status == "PENDING" and PaymentAttempt.objects.get().status == "PENDING"
    assert "signature_key does not match" in caplog.text
    assert AuditEntry.objects.filter(action="payment.rejected").count() == 3


def test_an_amount_that_is_not_the_invoices_activates_nothing(client, owner_client, invoice, midtrans):
    _, attempt = pay_click(owner_client, invoice)
    for gross in ("1000.00", "597000.50"):
        response = post(client, signed(attempt.order_id, "settlement", gross))
        assert response.status_code == 200 and response.json()["outcome"] == "amount_mismatch"
    invoice.refresh_from_db()
    assert invoice.payment_status == "PENDING"


def test_expired_then_paid_late_and_refunded(client, owner_client, invoice, midtrans, workspace):
    _, attempt = pay_click(owner_client, invoice)
    assert post(client, signed(attempt.order_id, "pending", "597000.00", status_code="201")).json()["outcome"] == \
        "duplicate"
    assert post(client, signed(attempt.order_id, "expire", "597000.00", status_code="407")).json()["outcome"] == \
        "expired"
    invoice.refresh_from_db()
    assert invoice.payment_status == "PENDING"  # still payable: a new checkout or a transfer
    # Out of order: the settlement arrives after the expiry; the money came, so it counts.
    assert post(client, signed(attempt.order_id, "settlement", "597000.00")).json()["outcome"] == "paid"
    assert post(client, signed(attempt.order_id, "refund", "597000.00")).json()["outcome"] == "refunded"
    invoice.refresh_from_db()
    assert invoice.payment_status == "REFUNDED" and current_plan(workspace).code == "free"
    assert post(client, signed(attempt.order_id, "settlement", "597000.00")).json()["outcome"] == "ignored"
    invoice.refresh_from_db()
    assert invoice.payment_status == "REFUNDED"
    assert AuditEntry.objects.filter(workspace=workspace, action="plan.refunded").count() == 1


def test_a_denied_card_marks_the_invoice_failed_and_it_can_be_paid_again(client, owner_client, invoice, midtrans):
    _, attempt = pay_click(owner_client, invoice)
    post(client, signed(attempt.order_id, "capture", "597000.00", fraud_status="deny"))
    invoice.refresh_from_db()
    assert invoice.payment_status == "FAILED" and PaymentAttempt.objects.get().status == "FAILED"
    response, second = pay_click(owner_client, invoice)
    assert second.order_id.endswith("-2")
    assert post(client, signed(second.order_id, "settlement", "597000.00")).json()["outcome"] == "paid"


def test_an_unknown_order_is_ignored(client, midtrans):
    assert post(client, signed("INV-2026-999999-1", "settlement", "10000.00")).json()["outcome"] == "unknown"


def test_the_fake_gateway_pays_through_the_same_notification(owner_client, invoice, workspace, settings):
    settings.BILLING_GATEWAY = "fake"
    response = owner_client.post(f"/billing/invoices/{invoice.reference}/pay")
    attempt = PaymentAttempt.objects.get()
    assert response["Location"] == f"/billing/gateway/fake/{attempt.order_id}/"
    page = owner_client.get(response["Location"]).content.decode()
    assert "Rp 597.000" in page and 'data-testid="fake-pay"' in page
    done = owner_client.post(f"/billing/gateway/fake/{attempt.order_id}/pay", {"result": "settlement"}, follow=True)
    assert "Your Pro plan is active" in done.content.decode()
    invoice.refresh_from_db()
    assert invoice.payment_status == "PAID" and invoice.provider == "fake" and current_plan(workspace).code == "pro"


def test_the_fake_gateway_is_off_on_a_real_server(owner_client, invoice, settings):
    settings.BILLING_GATEWAY, settings.MIDTRANS_SERVER_KEY = "midtrans", KEY
    line = Subscription.objects.get(pk=invoice.pk)
    attempt = PaymentAttempt.objects.create(workspace=line.workspace, subscription=line, gateway="fake",
                                            order_id="X-1", amount=line.amount)
    assert owner_client.get(f"/billing/gateway/fake/{attempt.order_id}/").status_code == 404
    assert owner_client.post(f"/billing/gateway/fake/{attempt.order_id}/pay").status_code == 404
    assert owner_client.post("/billing/gateway/fake/notify", data="{}", content_type="application/json"
                             ).status_code == 404


def test_gateway_off(owner_client, invoice, settings, client):
    settings.BILLING_GATEWAY = "off"
    html = owner_client.get(f"/billing/invoices/{invoice.reference}/").content.decode()
    assert 'data-testid="pay-online"' not in html and 'data-testid="payment-instructions"' in html
    response = owner_client.post(f"/billing/invoices/{invoice.reference}/pay", follow=True)
    assert "Online payment is not available" in response.content.decode()
    assert post(client, {}).status_code == 404


def test_another_workspace_cannot_pay_or_see_the_invoice(outsider_client, agent_client, invoice, settings):
    settings.BILLING_GATEWAY = "fake"
    attempt = PaymentAttempt.objects.create(workspace=invoice.workspace, subscription=invoice, gateway="fake",
                                            order_id=f"{invoice.reference}-1", amount=invoice.amount)
    for client, code in ((outsider_client, 404), (agent_client, 403)):
        assert client.post(f"/billing/invoices/{invoice.reference}/pay").status_code == code
        assert client.get(f"/billing/gateway/fake/{attempt.order_id}/").status_code == code
        pay = client.post(f"/billing/gateway/fake/{attempt.order_id}/pay", {"result": "settlement"})
        assert pay.status_code == code
    invoice.refresh_from_db()
    assert invoice.payment_status == "PENDING" and PaymentAttempt.objects.count() == 1


def test_the_api_opens_a_checkout(owner_api, invoice, settings, outsider, agent):
    from tests.conftest import api_client_for

    settings.BILLING_GATEWAY = "fake"
    response = owner_api.post(f"/api/subscriptions/{invoice.reference}/pay")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["amount"] == 597_000 and body["redirect_url"].endswith(f"/billing/gateway/fake/{body['order_id']}/")
    assert api_client_for(outsider).post(f"/api/subscriptions/{invoice.reference}/pay").status_code == 404
    assert api_client_for(agent).post(f"/api/subscriptions/{invoice.reference}/pay").status_code == 403
    settings.BILLING_GATEWAY = "off"
    refused = owner_api.post(f"/api/subscriptions/{invoice.reference}/pay")
    assert refused.status_code == 400 and refused.json()["error"] == "payment_gateway_off"
