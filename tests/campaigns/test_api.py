"""Campaigns API: the brief's start body, preview, stats, detail with its log, CSV, actions, roles."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from campaigns.models import Campaign, Recipient

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(workspace, make_device, make_contacts):
    device = make_device(workspace)
    make_contacts(workspace, 3, tags=["VIP"])
    return device


def test_start_with_the_briefs_body_schedules_in_the_workspace_time_zone(owner_api, workspace, ready):
    response = owner_api.post("/api/campaign/start", {"message": "{Hi|Halo} [name|Kak]", "tags": ["VIP"],
                                                      "schedule": "2030-05-01 10:00", "name": "May promo"},
                              format="json")
    assert response.status_code == 201, response.json()
    campaign = Campaign.objects.get(pk=response.json()["id"])
    assert campaign.status == Campaign.Status.SCHEDULED
    assert campaign.scheduled_at == datetime(2030, 5, 1, 10, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
    assert campaign.workspace == workspace and campaign.target_tags == ["VIP"]


def test_start_now_freezes_the_audience(owner_api, ready, django_capture_on_commit_callbacks, monkeypatch):
    from campaigns import engine

    monkeypatch.setattr(engine, "_arm_step", lambda *a: None)  # no sending in this test
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_api.post("/api/campaign/start", {"message": "Hi [name]", "tags": "VIP",
                                                          "preset": "safe"}, format="json")
    assert response.status_code == 201, response.json()
    campaign = Campaign.objects.get(pk=response.json()["id"])
    assert campaign.status == Campaign.Status.PROCESSING
    assert (campaign.delay_min, campaign.delay_max) == (30, 60)
    assert Recipient.objects.filter(campaign=campaign, status="PENDING").count() == 3
    stats = owner_api.get(f"/api/campaign/stats/{campaign.pk}").json()
    assert {k: stats[k] for k in ("total", "pending", "sent", "delivered", "read", "failed", "skipped", "replied")} \
        == {"total": 3, "pending": 3, "sent": 0, "delivered": 0, "read": 0, "failed": 0, "skipped": 0, "replied": 0}
    assert stats["eta"] is not None and stats["started_at"] is not None and "per_device" in stats


@pytest.mark.parametrize("body,code,field", [
    ({"message": "Hi {there", "tags": ["VIP"]}, "spintax_error", "position"),
    ({"message": "Hi", "tags": ["Nobody"]}, "empty_audience", "tags"),
    ({"message": "Hi", "tags": ["VIP"], "schedule": "tomorrow-ish"}, "invalid", "schedule"),
    ({"message": "Hi", "tags": ["VIP"], "schedule": "2001-01-01 10:00"}, "invalid", "schedule"),
    ({"message": "Hi", "tags": ["VIP"], "delay_min": 9, "delay_max": 3}, "invalid", "delay_max"),
    ({"message": "Hi", "tags": ["VIP"], "devices": ["nope"]}, "invalid", "devices"),
])
def test_start_errors_say_what_to_fix(owner_api, ready, body, code, field):
    response = owner_api.post("/api/campaign/start", body, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["error"] == code and field in response.json()["fields"]


def test_start_refuses_below_the_servers_delay_floor(owner_api, ready, settings):
    settings.SEBAR_MIN_DELAY_SECONDS = 5
    response = owner_api.post("/api/campaign/start", {"message": "Hi", "tags": ["VIP"], "delay_min": 1,
                                                      "delay_max": 2}, format="json")
    assert response.status_code == 400 and "5" in response.json()["message"]


def test_start_with_an_image_attachment(owner_api, ready):
    from django.core.files.uploadedfile import SimpleUploadedFile

    png = SimpleUploadedFile("promo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, content_type="image/png")
    response = owner_api.post("/api/campaign/start", {"message": "Hi", "tags": "VIP", "media": png,
                                                      "schedule": "2030-01-01 09:00"}, format="multipart")
    assert response.status_code == 201, response.json()
    fake = SimpleUploadedFile("promo.png", b"not an image", content_type="image/png")
    response = owner_api.post("/api/campaign/start", {"message": "Hi", "tags": "VIP", "media": fake,
                                                      "schedule": "2030-01-01 09:00"}, format="multipart")
    assert response.status_code == 400 and "media" in response.json()["fields"]
    exe = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    response = owner_api.post("/api/campaign/start", {"message": "Hi", "tags": "VIP", "media": exe,
                                                      "schedule": "2030-01-01 09:00"}, format="multipart")
    assert response.status_code == 400 and "not a supported attachment" in response.json()["message"]


def test_preview_renders_samples_and_counts_variants(owner_api, ready):
    response = owner_api.post("/api/campaign/preview", {"message": "{Hi|Halo|Hey} [name], {a|b}", "samples": 5},
                              format="json")
    body = response.json()
    assert response.status_code == 200 and body["variants"] == 6 and len(body["samples"]) == 5
    assert all(c["name"] in s for s, c in zip(body["samples"], body["sample_contacts"], strict=True))
    assert body["contact"] == body["sample_contacts"][0]
    response = owner_api.post("/api/campaign/preview", {"message": "Hi {there"}, format="json")
    assert response.status_code == 400 and response.json()["fields"]["position"] == 3
    assert "position 3" in response.json()["message"]


def test_detail_log_filter_csv_and_actions(owner_api, agent_api, workspace, ready):
    campaign = Campaign.objects.create(workspace=workspace, name="=cmd", message_template="Hi",
                                       status=Campaign.Status.PROCESSING, started_at="2026-01-01T00:00Z")
    Recipient.objects.create(workspace=workspace, campaign=campaign, phone="6281", status="SENT", text="=1+1")
    Recipient.objects.create(workspace=workspace, campaign=campaign, phone="6282", status="FAILED", error="boom")
    body = owner_api.get(f"/api/campaigns/{campaign.pk}?status=FAILED").json()
    assert [r["phone"] for r in body["recipients"]["results"]] == ["6282"]
    assert owner_api.get(f"/api/campaigns/{campaign.pk}?status=NOPE").status_code == 400
    csv = b"".join(owner_api.get(f"/api/campaigns/{campaign.pk}/recipients.csv").streaming_content).decode()
    assert csv.splitlines()[0].startswith("phone,name,status") and "'=1+1" in csv and "6282" in csv
    assert agent_api.get(f"/api/campaigns/{campaign.pk}/recipients.csv").status_code == 403
    assert agent_api.get(f"/api/campaigns/{campaign.pk}").status_code == 200
    assert agent_api.post(f"/api/campaign/{campaign.pk}/pause").status_code == 403
    assert owner_api.post(f"/api/campaign/{campaign.pk}/pause").json()["status"] == "PAUSED"
    response = owner_api.post(f"/api/campaign/{campaign.pk}/pause")
    assert response.status_code == 409 and response.json()["error"] == "campaign_state"
    assert owner_api.post(f"/api/campaign/{campaign.pk}/cancel").json()["status"] == "CANCELLED"
    assert [c["id"] for c in owner_api.get("/api/campaigns").json()["results"]] == [campaign.pk]


def test_agents_see_but_cannot_start(agent_api, ready):
    assert agent_api.post("/api/campaign/start", {"message": "Hi", "tags": ["VIP"]}, format="json").status_code == 403
    assert agent_api.get("/api/campaigns").status_code == 200


def test_audience_count(owner_api, workspace, make_contacts, ready):
    make_contacts(workspace, 2, tags=["Lead"], start=50)
    assert owner_api.get("/api/campaign/audience?tags=VIP,Lead").json() == {"count": 5}
    assert owner_api.get("/api/campaign/audience?tags=VIP&exclude_tags=Lead").json() == {"count": 3}


def test_messages_sent_today_counts_this_workspaces_sends(workspace, other_workspace):
    from django.utils import timezone

    from campaigns.selectors import messages_sent_today

    campaign = Campaign.objects.create(workspace=workspace, name="x", message_template="Hi")
    other = Campaign.objects.create(workspace=other_workspace, name="y", message_template="Hi")
    Recipient.objects.create(workspace=workspace, campaign=campaign, phone="1", status="SENT", sent_at=timezone.now())
    Recipient.objects.create(workspace=workspace, campaign=campaign, phone="2", status="PENDING")
    Recipient.objects.create(workspace=other_workspace, campaign=other, phone="1", status="SENT",
                             sent_at=timezone.now())
    assert messages_sent_today(workspace) == 1


def test_deep_spintax_is_a_400_that_says_what_to_fix(owner_api, ready):
    deep = "{" * 2000 + "Hi" + "}" * 2000
    response = owner_api.post("/api/campaign/start", {"message": deep, "tags": ["VIP"]}, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["error"] == "spintax_error" and "nested" in response.json()["message"]
    preview = owner_api.post("/api/campaign/preview", {"message": deep}, format="json")
    assert preview.status_code == 400 and preview.json()["error"] == "spintax_error"
    assert not Campaign.objects.exists()


def test_deeply_nested_json_body_is_a_400(owner_api, ready):
    body = '{"message": "Hi", "tags": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = owner_api.post("/api/campaign/start", body, content_type="application/json")
    assert response.status_code == 400, response.content[:200]
    deep_tags = owner_api.post("/api/campaign/start", {"message": "Hi", "tags": "[" * 50_000 + "]" * 50_000},
                               format="multipart")
    assert deep_tags.status_code == 400
