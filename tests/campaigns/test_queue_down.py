"""Starting and resuming campaigns while the broker (Redis) is down (issue 12 #9).

A start used to commit and then answer 500 (the on-commit publish raised); the beat launched the saved
campaign anyway, so a client that retried the "failed" start broadcast twice. Now a start is refused with a
503 before anything is saved, and a start whose queue message is lost after the commit answers 201 and is
launched once by the beat."""
import pytest
from django.utils import timezone

from campaigns import engine, services
from campaigns.models import Campaign, DevicePace, Recipient
from config import queue
from tests.outage import broker_down_fixture

__all__ = ["broker_down_fixture"]
pytestmark = pytest.mark.django_db
START = {"message": "Hi [name]", "tags": ["VIP"]}


@pytest.fixture
def ready(workspace, make_device, make_contacts):
    device = make_device(workspace)
    make_contacts(workspace, 3, tags=["VIP"])
    return device


def test_a_start_while_the_queue_is_down_is_a_503_that_saves_nothing(owner_api, ready, broker_down):
    response = owner_api.post("/api/campaign/start", START, format="json")
    assert response.status_code == 503
    body = response.json()
    assert body["error"] == "queue_unavailable" and "nothing was saved" in body["message"]
    assert response["Retry-After"] == "60"
    assert not Campaign.objects.exists()


def test_the_clients_retry_after_the_503_makes_one_campaign(owner_api, ready, broker_down, monkeypatch,
                                                           django_capture_on_commit_callbacks):
    assert owner_api.post("/api/campaign/start", START, format="json").status_code == 503
    broker_down.end()
    monkeypatch.setattr(engine, "_arm_step", lambda *a: None)  # no sending in this test
    with django_capture_on_commit_callbacks(execute=True):
        assert owner_api.post("/api/campaign/start", START, format="json").status_code == 201
    assert Campaign.objects.count() == 1 and Recipient.objects.count() == 3


def test_a_start_whose_message_is_lost_after_the_commit_answers_201_and_the_beat_starts_it_once(
        owner_api, ready, broker_down, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(queue, "require", lambda: None)  # the broker went away between the check and the commit
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_api.post("/api/campaign/start", START, format="json")
    assert response.status_code == 201, response.content  # saved, and it will start: no reason to retry
    campaign = Campaign.objects.get()
    assert campaign.status == Campaign.Status.SCHEDULED and not Recipient.objects.exists()
    broker_down.end()
    monkeypatch.setattr(engine, "_arm_step", lambda *a: None)
    assert services.campaigns_start_due() == [campaign.pk]
    assert services.campaigns_start_due() == []
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.PROCESSING and Recipient.objects.count() == 3


def test_a_page_resume_while_the_queue_is_down_is_refused_and_the_campaign_stays_paused(
        owner_client, workspace, ready, broker_down):
    campaign = Campaign.objects.create(workspace=workspace, name="Paused", message_template="Hi",
                                       status=Campaign.Status.PAUSED, started_at=timezone.now())
    campaign.devices.set([ready])
    response = owner_client.post(f"/campaigns/{campaign.pk}/resume/", follow=True)
    assert "nothing was saved" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.PAUSED


def test_a_chain_the_broker_did_not_take_is_restarted_by_the_kick(ready, broker_down,
                                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert engine.start_chain(ready.pk)  # logged, not raised: the caller (a launch, a resume) goes on
    pace = DevicePace.objects.get(device=ready)
    assert pace.armed_until is not None  # when it runs out, engine_kick sees no live chain and starts one
