"""Quick replies take [variables] (#16): inserted in a chat, they carry the contact's name, custom fields and a
spintax choice, filled before the agent sees them; broken syntax is refused when saved."""
import pytest
from django.urls import reverse

from config.errors import UserError
from contacts.models import Contact
from inbox.autoreplies import quick_reply_save
from inbox.models import Chat
from inbox.selectors import quick_replies_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def device(workspace):
    from devices.models import Device, WahaServer

    server = WahaServer.objects.create(name="s", base_url="http://127.0.0.1:9", api_key="k")
    return Device.objects.create(workspace=workspace, session_name="toko1", server=server,
                                 phone_number="6281100000001", status=Device.Status.CONNECTED)


def _chat(workspace, device, contact=None, phone="6281299990001"):
    return Chat.objects.create(workspace=workspace, device=device, phone=phone, contact=contact)


def test_a_quick_reply_is_filled_for_the_chats_contact(workspace, device):
    contact = Contact.objects.create(workspace=workspace, phone="6281299990001", name="Ani",
                                     custom_fields={"City": "Bandung"})
    quick_reply_save(workspace=workspace, title="Ongkir", text="{Halo} [name|Kak], ongkir ke [city] Rp 20.000.")
    (filled,) = quick_replies_for(chat=_chat(workspace, device, contact))
    assert filled.title == "Ongkir" and filled.text == "Halo Ani, ongkir ke Bandung Rp 20.000."


def test_without_a_contact_the_fallbacks_are_used(workspace, device):
    quick_reply_save(workspace=workspace, title="Hi", text="Halo [name|Kak], nomor Anda +[phone].")
    (filled,) = quick_replies_for(chat=_chat(workspace, device))
    assert filled.text == "Halo Kak, nomor Anda +6281299990001."


def test_the_conversation_offers_the_filled_text(owner_client, workspace, device):
    contact = Contact.objects.create(workspace=workspace, phone="6281299990001", name="Budi")
    chat = _chat(workspace, device, contact)
    quick_reply_save(workspace=workspace, title="Thanks", text="Terima kasih, [name|Kak]!")
    page = owner_client.get(reverse("inbox:chat", args=[chat.pk]))
    body = page.content.decode()
    assert page.status_code == 200 and 'value="Terima kasih, Budi!"' in body and "[name|Kak]" not in body


def test_broken_syntax_is_refused_when_saved(workspace):
    with pytest.raises(UserError) as exc:
        quick_reply_save(workspace=workspace, title="Bad", text="{Halo|Hi Kak")
    assert exc.value.code == "spintax_error" and "text" in exc.value.fields
