"""Campaign pages: list, composer (+ live preview and audience count), campaign page, actions, CSV."""
import pytest

from campaigns.models import Campaign, Recipient

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready(workspace, make_device, make_contacts):
    device = make_device(workspace, label="Sales 1")
    make_contacts(workspace, 3, tags=["VIP"])
    make_contacts(workspace, 2, tags=["Lead"], start=10)
    return device


def test_list_and_empty_state(owner_client, agent_client):
    response = owner_client.get("/campaigns/")
    assert response.status_code == 200 and b"No campaigns yet" in response.content
    assert b"/campaigns/new/" in response.content
    assert b"/campaigns/new/" not in agent_client.get("/campaigns/").content


def test_composer_starts_a_campaign(owner_client, workspace, ready, monkeypatch, django_capture_on_commit_callbacks):
    from campaigns import engine

    monkeypatch.setattr(engine, "_arm_step", lambda *a: None)
    page = owner_client.get("/campaigns/new/")
    assert page.status_code == 200 and b"VIP" in page.content and b"Sales 1" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post("/campaigns/new/", {
            "name": "June", "message": "{Hi|Halo} [name]", "tags": ["VIP"], "exclude_tags": [], "preset": "safe",
            "typing_simulation": "on", "daily_cap_per_device": "0"})
    campaign = Campaign.objects.get(name="June")
    assert response.status_code == 302 and response["Location"] == f"/campaigns/{campaign.pk}/"
    assert campaign.status == Campaign.Status.PROCESSING and campaign.total_recipients == 3
    detail = owner_client.get(response["Location"])
    assert b"June" in detail.content and b"Kontak 0" in detail.content


def test_composer_shows_errors_where_they_belong(owner_client, ready):
    response = owner_client.post("/campaigns/new/", {"name": "Bad", "message": "Hi {there", "tags": ["VIP"],
                                                     "preset": "safe"})
    assert response.status_code == 200 and b"position 3" in response.content
    response = owner_client.post("/campaigns/new/", {"name": "Bad", "message": "Hi", "tags": ["VIP"], "preset": "",
                                                     "delay_min": "9", "delay_max": "2"})
    assert b"must be at least the minimum" in response.content
    assert not Campaign.objects.exists()


def test_live_preview_and_audience_partials(owner_client, ready):
    response = owner_client.post("/campaigns/preview/", {"message": "{Hi|Halo} [name]"})
    assert response.status_code == 200 and b"2 variants" in response.content and b"Kontak 0" in response.content
    response = owner_client.post("/campaigns/preview/", {"message": "Hi }"})
    assert b"Problem at position 3" in response.content
    assert b"5 recipients" in owner_client.get("/campaigns/audience/?tags=VIP&tags=Lead").content
    assert b"3 recipients" in owner_client.get("/campaigns/audience/?tags=VIP").content
    assert b"No contacts match" in owner_client.get("/campaigns/audience/?tags=Nope").content


def test_campaign_page_progress_actions_and_export(owner_client, agent_client, workspace, ready):
    campaign = Campaign.objects.create(workspace=workspace, name="Live", message_template="Hi",
                                       status=Campaign.Status.PROCESSING)
    Recipient.objects.create(workspace=workspace, campaign=campaign, phone="6281", name="Ani", status="SENT")
    Recipient.objects.create(workspace=workspace, campaign=campaign, phone="6282", name="Budi", status="PENDING")
    progress = owner_client.get(f"/campaigns/{campaign.pk}/progress/")
    assert b'hx-trigger="every 2s"' in progress.content and b"50%" in progress.content
    filtered = owner_client.get(f"/campaigns/{campaign.pk}/?status=PENDING")
    assert b"Budi" in filtered.content and b"Ani" not in filtered.content
    csv = b"".join(owner_client.get(f"/campaigns/{campaign.pk}/recipients.csv").streaming_content)
    assert b"Ani" in csv and b"Budi" in csv
    assert agent_client.get(f"/campaigns/{campaign.pk}/recipients.csv").status_code == 403
    assert agent_client.post(f"/campaigns/{campaign.pk}/pause/").status_code == 403
    owner_client.post(f"/campaigns/{campaign.pk}/pause/")
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.PAUSED
    owner_client.post(f"/campaigns/{campaign.pk}/cancel/")
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.CANCELLED
    assert Recipient.objects.get(phone="6282").status == "SKIPPED"
    done = owner_client.get(f"/campaigns/{campaign.pk}/progress/")
    assert b"every 2s" not in done.content  # polling stops once the campaign is over


def test_admin_lists_campaigns_and_recipients(client, workspace):
    from tests.factories import UserFactory

    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user, backend="django.contrib.auth.backends.ModelBackend")
    campaign = Campaign.objects.create(workspace=workspace, name="Ops view", message_template="Hi",
                                       status=Campaign.Status.PROCESSING)
    Recipient.objects.create(workspace=workspace, campaign=campaign, phone="6281")
    assert b"Ops view" in client.get("/admin/campaigns/campaign/").content
    assert b"6281" in client.get("/admin/campaigns/recipient/").content
    client.post("/admin/campaigns/campaign/", {"action": "cancel", "_selected_action": [campaign.pk]})
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.CANCELLED


def test_list_counts_match_the_campaign_page_in_one_query(owner_client, workspace, django_assert_num_queries):
    from campaigns import selectors

    live = Campaign.objects.create(workspace=workspace, name="Live", message_template="Hi",
                                   status=Campaign.Status.PROCESSING)
    done = Campaign.objects.create(workspace=workspace, name="Done", message_template="Hi",
                                   status=Campaign.Status.COMPLETED)
    empty = Campaign.objects.create(workspace=workspace, name="Empty", message_template="Hi",
                                    status=Campaign.Status.COMPLETED)
    for i, status in enumerate(["SENT", "READ", "DELIVERED", "FAILED", "PENDING", "SENDING", "SKIPPED"]):
        Recipient.objects.create(workspace=workspace, campaign=live, phone=f"628{i}", status=status)
    Recipient.objects.create(workspace=workspace, campaign=done, phone="6289", status="READ")
    campaigns = [live, done, empty]
    with django_assert_num_queries(1):
        listed = selectors.campaign_list_stats(campaigns)
    for campaign in campaigns:
        full = selectors.campaign_stats(campaign)
        assert listed[campaign.pk] == {k: full[k] for k in listed[campaign.pk]}
    assert listed[live.pk]["percent"] == 71 and listed[empty.pk]["percent"] == 100
    page = owner_client.get("/campaigns/").content
    assert b"71% \xc2\xb7 7" in page and b"Empty" in page


def test_composer_refuses_deep_spintax_with_a_message(owner_client, ready):
    deep = "{" * 2000 + "Hi" + "}" * 2000
    response = owner_client.post("/campaigns/new/", {"name": "Deep", "message": deep, "tags": ["VIP"],
                                                     "preset": "safe"})
    assert response.status_code == 200 and b"nested" in response.content
    assert owner_client.post("/campaigns/preview/", {"message": deep}).status_code == 200
    assert not Campaign.objects.exists()


def test_composer_none_ticked_means_every_contact(owner_client, workspace, ready, monkeypatch,
                                                   django_capture_on_commit_callbacks):
    from campaigns import engine

    monkeypatch.setattr(engine, "_arm_step", lambda *a: None)
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post("/campaigns/new/", {
            "name": "Everyone", "message": "Hi [name]", "preset": "safe", "daily_cap_per_device": "0"})
    assert response.status_code == 302, response.content.decode()[:3000]
    campaign = Campaign.objects.get(name="Everyone")
    assert campaign.target_tags == [] and campaign.total_recipients == 5


def test_composer_model_errors_go_beside_their_field(owner_client, ready, monkeypatch):
    from django.core.exceptions import ValidationError

    from campaigns import inputs

    def refuse(request, data, **kwargs):
        raise ValidationError({"target_tags": "Pick fewer tags.", "message_template": "Too long."})

    monkeypatch.setattr(inputs, "start_campaign", refuse)
    response = owner_client.post("/campaigns/new/", {"name": "x", "message": "Hi", "preset": "safe"})
    form = response.context["form"]
    assert form.errors["tags"] == ["Pick fewer tags."] and form.errors["message"] == ["Too long."]
    assert not form.non_field_errors()
