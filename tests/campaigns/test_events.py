"""What a campaign and a number tell common.events, as a webhook endpoint of the workspace receives it (#15)."""
import pytest

from integrations import webhooks
from integrations.models import WebhookDelivery

pytestmark = pytest.mark.django_db
URL = "https://hooks.example.com/sebar"


@pytest.fixture(autouse=True)
def public_dns(monkeypatch):
    monkeypatch.setattr("config.outbound._resolve", lambda host, port: ["93.184.215.14"])
    monkeypatch.setattr(webhooks, "_post", lambda endpoint, event, body, session=None: (204, ""))


def test_a_campaigns_messages_and_the_numbers_status_are_told(driver, waha, workspace, owner, make_device,
                                                              make_contacts, django_capture_on_commit_callbacks):
    from campaigns import services
    from devices.services import device_status_apply

    webhooks.endpoint_create(workspace=workspace, actor=owner, url=URL,
                             events=["message.status", "campaign.started", "campaign.completed", "device.status"])
    device = make_device(workspace)
    make_contacts(workspace, 2)
    # driver.call runs each step's on-commit callbacks, as a worker's transaction would.
    campaign = driver.call(services.campaign_create, workspace=workspace, actor=owner, name="Promo",
                           message="Hi", tags=["VIP"], delay_min=1, delay_max=1, typing_simulation=False)
    driver.call(services.campaign_launch, campaign_id=campaign.pk)
    driver.run()
    driver.call(device_status_apply, device=device, status="FAILED")
    events = list(WebhookDelivery.objects.order_by("pk").values_list("event", flat=True))
    assert events == ["campaign.started", "message.status", "message.status", "campaign.completed",
                      "device.status"]
    statuses = [d.body for d in WebhookDelivery.objects.filter(event="message.status")]
    assert all('"status":"sent"' in b and '"source":"campaign"' in b for b in statuses)
