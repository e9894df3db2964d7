"""A contact's page: its chat history on every number, the campaigns it was in, and an opt-out switch."""
import pytest
from django.utils import timezone

from campaigns.models import Campaign, Recipient
from contacts.models import Contact
from devices.models import Device, WahaServer
from inbox.models import Chat, Message

pytestmark = pytest.mark.django_db
PHONE = "6281100000001"


@pytest.fixture
def history(workspace, other_workspace, make_contact):
    contact = make_contact(PHONE, "Ani")
    server = WahaServer.objects.create(name="s", base_url="http://127.0.0.1:9")
    now = timezone.now()
    for n, ws in enumerate([workspace, workspace, other_workspace]):
        device = Device.objects.create(workspace=ws, server=server, session_name=f"d{n}", label=f"Number {n}")
        chat = Chat.objects.create(workspace=ws, device=device, phone=PHONE, last_message_at=now)
        Message.objects.create(workspace=ws, chat=chat, device=device, direction="in", sender="customer",
                               text=f"message on number {n}" if ws == workspace else "another shop's secret",
                               timestamp=now)
    for ws, name in [(workspace, "Harbolnas 12.12"), (other_workspace, "Their campaign")]:
        campaign = Campaign.objects.create(workspace=ws, name=name, message_template="Hi")
        Recipient.objects.create(workspace=ws, campaign=campaign, phone=PHONE, status=Recipient.Status.READ,
                                 contact=contact if ws == workspace else None, sent_at=now)
    return contact


def test_contact_page_shows_chats_on_every_number_and_campaigns_of_this_workspace_only(owner_client, history):
    html = owner_client.get(f"/contacts/{history.pk}/edit/").content.decode()
    assert 'data-testid="contact-chats"' in html and 'data-testid="contact-campaigns"' in html
    assert "message on number 0" in html and "message on number 1" in html
    assert "Number 0" in html and "Number 1" in html  # several numbers: each line says which
    assert "Harbolnas 12.12" in html and "Read" in html
    assert "another shop's secret" not in html and "Their campaign" not in html
    chat = Chat.objects.filter(device__session_name__in=["d0", "d1"]).order_by("-last_message_at", "-pk").first()
    assert f'href="/inbox/c/{chat.pk}/"' in html  # broadcast-only threads are reachable from here


def test_contact_without_history_says_so(owner_client, make_contact):
    contact = make_contact("6281100000002", "Budi")
    html = owner_client.get(f"/contacts/{contact.pk}/edit/").content.decode()
    assert "No messages with this contact yet." in html and "No broadcast has reached this contact yet." in html


def test_opt_out_by_hand_then_undo(owner_client, make_contact):
    contact = make_contact("6281100000003", "Citra")
    assert 'data-testid="opt-out"' in owner_client.get(f"/contacts/{contact.pk}/edit/").content.decode()
    owner_client.post(f"/contacts/{contact.pk}/opt-out/", {"reason": "Asked by phone"})
    contact.refresh_from_db()
    assert contact.opted_out and contact.opted_out_reason == "Asked by phone"
    assert 'data-testid="opt-out"' not in owner_client.get(f"/contacts/{contact.pk}/edit/").content.decode()
    owner_client.post(f"/contacts/{contact.pk}/opt-in/")
    contact.refresh_from_db()
    assert not contact.opted_out


def test_agents_and_other_tenants_cannot_opt_out(agent_client, outsider_client, make_contact):
    contact = make_contact("6281100000004", "Dewi")
    assert agent_client.post(f"/contacts/{contact.pk}/opt-out/").status_code == 403
    assert outsider_client.post(f"/contacts/{contact.pk}/opt-out/").status_code == 404
    assert not Contact.objects.get(pk=contact.pk).opted_out


def test_panels_register_from_their_apps_once():
    from contacts import panels

    names = [p.__module__ for _order, p in panels._PANELS]
    assert names == ["inbox.panels", "campaigns.panels"]
