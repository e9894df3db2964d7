"""The inbox lists conversations, not recipients: a broadcast-only thread stays out of the default view,
and one customer is one row however many of the workspace's numbers talked to them."""
import pytest

from devices.models import Device
from inbox.models import Chat
from tests.inbox.conftest import envelope

pytestmark = pytest.mark.django_db
CUSTOMER = "628123456789"


@pytest.fixture
def second_device(workspace, device):
    return Device.objects.create(workspace=workspace, session_name="alpha-2", server=device.server, label="Support",
                                 phone_number="628111000002", status=Device.Status.CONNECTED)


def broadcast(deliver, device, phone, text="Promo 12.12!"):
    return deliver(device, envelope(text, from_me=True, frm=f"{device.phone_number}@c.us", to=f"{phone}@c.us",
                                    engine="GOWS", source="api", event="message.any"))


def listed(client, query=""):
    html = client.get(f"/inbox/list/{query}").content.decode()
    return html.count('data-testid="chat-item"'), html


def test_broadcast_only_threads_stay_out_until_the_customer_writes(owner_client, owner_api, device, waha, deliver):
    for n in range(5):
        broadcast(deliver, device, f"62812000000{n}")
    assert Chat.objects.count() == 5  # recorded: the contact's history keeps them
    assert listed(owner_client)[0] == 0
    assert owner_api.get("/api/chats").json()["count"] == 0
    assert listed(owner_client, "?show=all")[0] == 5
    deliver(device, envelope("Is the batik still in stock?", frm="628120000003@c.us"))
    count, html = listed(owner_client)
    assert count == 1 and 'data-phone="628120000003"' in html
    assert owner_api.get("/api/chats").json()["count"] == 1


def test_one_customer_is_one_conversation_across_numbers(owner_client, owner_api, device, second_device, waha,
                                                         deliver):
    deliver(device, envelope("Halo, from Sales", frm=f"{CUSTOMER}@c.us"))
    deliver(second_device, envelope("And hello Support", frm=f"{CUSTOMER}@c.us"))
    broadcast(deliver, second_device, CUSTOMER, "Promo from Support")
    assert Chat.objects.filter(phone=CUSTOMER).count() == 2
    count, html = listed(owner_client)
    assert count == 1
    assert owner_api.get("/api/chats").json()["count"] == 1
    chat = Chat.objects.get(phone=CUSTOMER, device=second_device)  # the most recent thread is the row
    assert f'href="/inbox/c/{chat.pk}/"' in html
    page = owner_client.get(f"/inbox/c/{chat.pk}/").content.decode()
    assert "Halo, from Sales" in page and "And hello Support" in page and "Promo from Support" in page
    assert page.count('data-testid="message-device"') == 3  # each bubble says which number
    assert not Chat.objects.filter(phone=CUSTOMER, unread_count__gt=0).exists()  # read on both numbers


def test_an_agent_sees_only_the_threads_visible_to_them(agent_client, owner, device, second_device, waha, deliver):
    deliver(device, envelope("private to the owner's thread", frm=f"{CUSTOMER}@c.us"))
    deliver(second_device, envelope("open thread", frm=f"{CUSTOMER}@c.us"))
    Chat.objects.filter(device=device).update(assigned_to=owner)
    count, html = listed(agent_client)
    open_chat = Chat.objects.get(device=second_device)
    assert count == 1 and f'href="/inbox/c/{open_chat.pk}/"' in html
    page = agent_client.get(f"/inbox/c/{open_chat.pk}/").content.decode()
    assert "open thread" in page and "private to the owner's thread" not in page
    assert Chat.objects.get(device=device).unread_count == 1  # not read by someone who cannot see it


def test_other_workspaces_threads_never_join(owner_client, device, other_workspace, waha, deliver):
    other_device = Device.objects.create(workspace=other_workspace, session_name="beta-1", server=device.server,
                                         phone_number="628333000001", status=Device.Status.CONNECTED)
    deliver(other_device, envelope("secret of another shop", frm=f"{CUSTOMER}@c.us"))
    deliver(device, envelope("hello", frm=f"{CUSTOMER}@c.us"))
    chat = Chat.objects.get(device=device)
    page = owner_client.get(f"/inbox/c/{chat.pk}/").content.decode()
    assert "hello" in page and "secret of another shop" not in page
