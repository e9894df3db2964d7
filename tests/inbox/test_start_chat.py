"""Start a chat (#16): an agent writes first to a phone number, from the inbox or a contact's page, through the
inbox's send path (the chat is theirs, the bot steps back); opted-out contacts, bad numbers and braked numbers of
ours are refused and nothing is sent. Page and API, for owners and agents, inside their workspace only."""
import pytest
from django.urls import reverse

from contacts.models import Contact
from inbox.models import Chat, Message
from tests.inbox.conftest import sent_texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _start(client, device, phone="0812-3456-7890", text="Halo, pesanan Anda siap"):
    return client.post(reverse("inbox:chat_start"), {"device": device.pk, "phone": phone, "text": text})


def test_an_agent_starts_a_chat_from_the_inbox(agent_client, agent, device, waha, on_commit):
    assert agent_client.get(reverse("inbox:chat_start")).status_code == 200
    with on_commit():
        response = _start(agent_client, device)
    chat = Chat.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("inbox:chat", args=[chat.pk])
    assert chat.phone == "6281234567890" and chat.assigned_to == agent and chat.bot_paused
    assert sent_texts(waha) == ["Halo, pesanan Anda siap"]
    message = Message.objects.get()
    assert message.sender == "agent" and message.sent_by == agent and message.send_state == "sent"
    # In the agent's list though the customer has not written yet: the chat is theirs.
    assert "Halo, pesanan Anda siap" in agent_client.get(reverse("inbox:index")).content.decode()


def test_starting_again_reuses_the_chat_and_the_contact(owner_client, device, waha, on_commit):
    contact = Contact.objects.create(workspace=device.workspace, phone="6281234567890", name="Sari")
    with on_commit():
        _start(owner_client, device, phone="+62 812 3456 7890")
        _start(owner_client, device, phone="081234567890", text="Ada lagi?")
    chat = Chat.objects.get()
    assert chat.contact == contact and chat.messages.count() == 2


def test_an_opted_out_number_is_refused(owner_client, owner_api, device, waha, on_commit):
    Contact.objects.create(workspace=device.workspace, phone="6281234567890", opted_out=True)
    with on_commit():
        response = _start(owner_client, device)
        api = owner_api.post("/api/chats/start", {"device": device.pk, "phone": "081234567890", "text": "Promo"},
                             format="json")
    assert response.status_code == 200 and "opted out" in response.content.decode()
    assert api.status_code == 400 and api.json()["error"] == "contact_opted_out"
    assert sent_texts(waha) == [] and not Message.objects.exists()


def test_a_bad_number_is_refused_with_the_reason(owner_client, device, waha):
    response = _start(owner_client, device, phone="0812x")
    assert response.status_code == 200 and "0812x" in response.content.decode()
    assert not Chat.objects.exists()


def test_a_braked_number_opens_no_new_chat(owner_api, device, waha):
    from devices.models import DeviceHealth

    DeviceHealth.objects.create(workspace=device.workspace, device=device, capping_status="SECOND_WARNING")
    response = owner_api.post("/api/chats/start", {"device": device.pk, "phone": "081234567890", "text": "Halo"},
                              format="json")
    assert response.status_code == 400 and response.json()["error"] == "number_braked"
    assert not Chat.objects.exists()


def test_start_a_chat_api(agent_api, agent, device, waha, on_commit):
    with on_commit():
        response = agent_api.post("/api/chats/start", {"device": device.pk, "phone": "081234567890",
                                                       "text": "Halo"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["phone"] == "6281234567890" and response.json()["assigned_to"] == agent.pk
    assert sent_texts(waha) == ["Halo"]


def test_another_workspaces_number_cannot_be_used(outsider_api, outsider_client, device, waha):
    response = outsider_api.post("/api/chats/start", {"device": device.pk, "phone": "081234567890", "text": "x"},
                                 format="json")
    assert response.status_code == 400
    assert _start(outsider_client, device).status_code == 200  # the form: that number is not one of theirs
    assert not Chat.objects.exists() and sent_texts(waha) == []


def test_a_contacts_page_offers_to_start_a_chat(owner_client, device):
    contact = Contact.objects.create(workspace=device.workspace, phone="6281234567890", name="Sari")
    page = owner_client.get(reverse("contacts:edit", args=[contact.pk])).content.decode()
    assert "?phone=%2B6281234567890" in page
    form = owner_client.get(reverse("inbox:chat_start") + "?phone=%2B6281234567890").content.decode()
    assert 'value="+6281234567890"' in form
