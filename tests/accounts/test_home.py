"""The first page (#20.18): a visitor's / is the public home with the plans read from billing's packages; a
member's / is the dashboard, with a first-steps checklist that ticks as the workspace's data appears."""
import pytest

from accounts.models import Membership
from billing.models import Package
from campaigns.models import Campaign
from contacts.models import Contact
from devices.models import Device, WahaServer
from inbox.models import AutoReply

pytestmark = pytest.mark.django_db


def test_a_visitor_gets_the_home_page_with_the_plans_from_the_packages(client):
    Package.objects.filter(code="pro").update(price=349_000, max_devices=7, description="For a busy batik shop.")
    Package.objects.create(code="staff", name="Staff only", price=1, is_public=False)
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "get your numbers banned" in html and "Broadcasts that look human" in html  # what Sebar does
    assert 'data-testid="home-plan-free"' in html and 'data-testid="home-plan-enterprise"' in html
    assert "Rp 349.000" in html and "7 WhatsApp numbers" in html and "For a busy batik shop." in html
    assert "Rp 999.000" in html and "Unlimited contacts" in html  # Enterprise: max_contacts empty
    assert "Staff only" not in html  # not shown on the pricing page
    assert 'href="/signup/"' in html and 'href="/login/"' in html


def test_the_home_page_speaks_indonesian(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert 'lang="id"' in html and "Paket" in html


def test_a_member_still_gets_the_dashboard_and_a_stranger_without_workspace_a_403(owner_client, client):
    assert "Hello, Alice" in owner_client.get("/").content.decode()
    from tests.factories import UserFactory

    client.force_login(UserFactory(email="operator@example.com"), backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/").status_code == 403


def steps(client):
    """The checklist as the page shows it: {step key: done?}, or None when it is not there."""
    response = client.get("/")
    assert response.status_code == 200
    checklist = response.context["first_steps"]
    html = response.content.decode()
    if checklist is None:
        assert 'data-testid="first-steps"' not in html
        return None
    assert 'data-testid="first-steps"' in html
    return {step["key"]: step["done"] for step in checklist["steps"]}


def test_the_steps_tick_as_the_data_appears_and_the_list_goes_when_all_are_done(workspace, owner, owner_client):
    assert steps(owner_client) == {"device": False, "contacts": False, "broadcast": False, "autoreply": False}
    html = owner_client.get("/").content.decode()
    for url in ("/devices/add", "/contacts/import/", "/campaigns/new/", "/inbox/auto-replies/"):
        assert f'href="{url}"' in html

    server = WahaServer.objects.create(name="t", base_url="http://waha.test", api_key="k")
    device = Device.objects.create(workspace=workspace, session_name="alpha-1", server=server)
    assert steps(owner_client)["device"] is False  # added, not linked yet: the list has its Connect button
    assert 'href="/devices/"' in owner_client.get("/").content.decode()
    Device.objects.filter(pk=device.pk).update(status=Device.Status.CONNECTED)
    assert steps(owner_client)["device"] is True

    Contact.objects.create(workspace=workspace, phone="6281234567890", name="Budi")
    campaign = Campaign.objects.create(workspace=workspace, name="Promo", message_template="Hi")
    assert steps(owner_client) == {"device": True, "contacts": True, "broadcast": False, "autoreply": False}
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.SCHEDULED)
    assert "3 of 4 done" in owner_client.get("/").content.decode()

    AutoReply.objects.create(workspace=workspace, keyword="harga", response_text="Rp 50.000")
    assert steps(owner_client) is None
    # Finished for good: a number that disconnects later does not bring the beginner's list back.
    Device.objects.filter(pk=device.pk).update(status=Device.Status.DISCONNECTED)
    assert steps(owner_client) is None
    assert Membership.objects.get(user=owner).first_steps_hidden_at is not None


def test_another_workspaces_data_ticks_nothing(owner_client, other_workspace):
    Contact.objects.create(workspace=other_workspace, phone="6281234567890")
    AutoReply.objects.create(workspace=other_workspace, keyword="harga", response_text="x")
    assert steps(owner_client) == {"device": False, "contacts": False, "broadcast": False, "autoreply": False}


def test_the_owner_can_hide_the_checklist(owner, owner_client):
    assert steps(owner_client) is not None
    assert owner_client.get("/first-steps/dismiss/").status_code == 405
    response = owner_client.post("/first-steps/dismiss/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert steps(owner_client) is None
    assert Membership.objects.get(user=owner).first_steps_hidden_at is not None


def test_an_agent_sees_no_steps_they_cannot_do(agent_client):
    assert steps(agent_client) is None


def test_a_visitor_cannot_hide_anything(client):
    assert client.post("/first-steps/dismiss/")["Location"].startswith("/login/")
