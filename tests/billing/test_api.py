"""Billing API: public plans, choose, history, one invoice, current plan; owner-only."""
import pytest

from billing import services
from billing.models import Subscription
from tests.billing.helpers import devices, plan

pytestmark = pytest.mark.django_db


def test_packages_are_public(api_client):
    response = api_client.get("/api/packages")
    assert response.status_code == 200
    by_code = {p["code"]: p for p in response.json()}
    assert list(by_code) == ["free", "starter", "pro", "business", "enterprise"]
    assert by_code["pro"]["price"] == 199_000 and by_code["pro"]["currency"] == "IDR"
    assert by_code["pro"]["price_yearly"] == 1_990_000 and by_code["pro"]["limits"]["ai_replies"] == 1_000
    assert by_code["enterprise"]["limits"]["contacts"] is None
    assert by_code["free"]["limits"] == {"devices": 1, "contacts": 500, "rotators": 3, "agents": 1,
                                         "daily_messages": 500, "ai_replies": 0, "warming": 1}


def test_choose_pro_returns_an_invoice_with_bank_details(owner_api, settings):
    settings.BILLING_BANK_NAME = "Bank Mandiri"
    response = owner_api.post("/api/subscriptions/choose", {"package_id": plan("pro").pk, "months": 12},
                              format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["payment_status"] == "PENDING" and body["amount"] == 1_990_000  # the yearly price
    pay = body["payment_instructions"]
    assert pay["method"] == "manual_bank_transfer" and pay["reference"] == body["reference"]
    assert pay["details"]["Bank"] == "Bank Mandiri"
    assert any(body["reference"] in step for step in pay["steps"])
    detail = owner_api.get(f"/api/subscriptions/{body['reference']}")
    assert detail.status_code == 200 and detail.json()["reference"] == body["reference"]


def test_choose_free_is_immediate(owner_api, workspace, owner):
    line = services.subscription_choose(workspace=workspace, actor=owner, package_id=plan("pro").pk, months=1)
    services.subscription_mark_paid(subscription_id=line.pk)
    response = owner_api.post("/api/subscriptions/choose", {"package_id": plan("free").pk}, format="json")
    assert response.status_code == 200
    assert response.json()["payment_status"] == "PAID" and response.json()["payment_instructions"] is None
    assert owner_api.get("/api/subscriptions/current").json()["package"]["code"] == "free"


def test_choose_errors_say_what_to_fix(owner_api):
    response = owner_api.post("/api/subscriptions/choose", {"package_id": plan("pro").pk, "months": 24},
                              format="json")
    assert response.status_code == 400
    assert response.json()["error"] == "billing_invalid" and "months" in response.json()["fields"]
    response = owner_api.post("/api/subscriptions/choose", {"package_id": 424242}, format="json")
    assert response.status_code == 400 and "does not exist" in response.json()["message"]


def test_history_and_current(owner_api, workspace, owner):
    devices(workspace, 1)
    line = services.subscription_choose(workspace=workspace, actor=owner, package_id=plan("pro").pk, months=1)
    body = owner_api.get("/api/subscriptions").json()
    assert [r["reference"] for r in body["results"]] == [line.reference]
    current = owner_api.get("/api/subscriptions/current").json()
    assert current["status"] == "FREE"
    assert {"resource": "devices", "used": 1, "limit": 1} in current["usage"]
    services.subscription_mark_paid(subscription_id=line.pk)
    current = owner_api.get("/api/subscriptions/current").json()
    assert current["status"] == "ACTIVE" and current["package"]["code"] == "pro" and current["days_left"] >= 28
    assert {"resource": "devices", "used": 1, "limit": 5} in current["usage"]


def test_agents_and_other_workspaces_are_refused(agent_api, outsider_api, workspace, owner):
    line = services.subscription_choose(workspace=workspace, actor=owner, package_id=plan("pro").pk, months=1)
    for url in ["/api/subscriptions", "/api/subscriptions/current", f"/api/subscriptions/{line.reference}"]:
        assert agent_api.get(url).status_code == 403
    response = agent_api.post("/api/subscriptions/choose", {"package_id": plan("pro").pk}, format="json")
    assert response.status_code == 403
    assert outsider_api.get(f"/api/subscriptions/{line.reference}").status_code == 404
    assert Subscription.objects.count() == 1
