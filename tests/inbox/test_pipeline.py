"""The inbound pipeline: storage once per message, @lid joining, groups kept out, reply order, loop guard."""
import json

import pytest
import responses

from contacts.models import Contact
from inbox.models import AutoReply, Chat, Message
from inbox.services import settings_for
from tests.inbox.conftest import WAHA, envelope, sent_texts

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("engine", ["GOWS", "NOWEB", "WEBJS"])
def test_keyword_rule_answers_through_seen_typing_send(device, waha, deliver, engine):
    AutoReply.objects.create(workspace=device.workspace, keyword="harga", match_type="CONTAINS",
                             response_text="Hi [name], the price is 10k")
    deliver(device, envelope("Berapa HÁRGA nya?", engine=engine))
    chat = Chat.objects.get()
    assert chat.phone == "628123456789" and chat.unread_count == 1
    assert chat.contact.source == "Inbound" and chat.contact.name == "Budi"
    urls = [c.request.url.rsplit("/", 1)[1] for c in waha.calls]
    assert urls == ["sendSeen", "startTyping", "sendText"]
    assert sent_texts(waha) == ["Hi Budi, the price is 10k"]
    bot = Message.objects.get(sender=Message.Sender.BOT)
    assert bot.send_state == "sent" and bot.short_id and bot.reply_source.startswith("keyword:")
    assert json.loads(waha.calls[-1].request.body)["chatId"] == "628123456789@c.us"


def test_duplicate_webhook_is_stored_and_answered_once(device, waha, deliver):
    AutoReply.objects.create(workspace=device.workspace, keyword="hi", match_type="EXACT", response_text="Hello!")
    event = envelope("hi")
    deliver(device, event)
    deliver(device, {**event, "id": "evt_other_delivery"})
    assert Message.objects.filter(direction="in").count() == 1
    assert sent_texts(waha) == ["Hello!"]
    assert Chat.objects.get().unread_count == 1


def test_lid_sender_joins_the_phone_chat_via_lid_api(device, waha, deliver):
    waha.add(responses.GET, f"{WAHA}/api/alpha-1/lids/555777%40lid",
             json={"lid": "555777@lid", "pn": "628123456789@c.us"})
    deliver(device, envelope("first", frm="628123456789@c.us"))
    deliver(device, envelope("second from lid", frm="555777@lid"))
    deliver(device, envelope("third from lid", frm="555777@lid"))
    chat = Chat.objects.get()
    assert chat.lid == "555777@lid" and chat.messages.count() == 3
    lid_calls = [c for c in waha.calls if "/lids/" in c.request.url]
    assert len(lid_calls) == 1  # cached on the chat after the first lookup


def test_lid_alternate_from_engine_data_needs_no_lookup(device, waha, deliver):
    deliver(device, envelope("hello", frm="424242@lid", engine="NOWEB", alt="628555000111@c.us"))
    chat = Chat.objects.get()
    assert chat.phone == "628555000111" and chat.phone_known
    assert not [c for c in waha.calls if "/lids/" in c.request.url]


def test_groups_and_status_stay_out_unless_enabled(device, waha, deliver):
    AutoReply.objects.create(workspace=device.workspace, keyword="hi", match_type="CONTAINS", response_text="Yo")
    deliver(device, envelope("hi all", frm="120363001@g.us", participant="628123456789@c.us"))
    deliver(device, envelope("my status", frm="status@broadcast", participant="628123456789@c.us"))
    assert not Chat.objects.exists()
    settings = settings_for(device.workspace)
    settings.include_groups = True
    settings.save()
    deliver(device, envelope("hi all", frm="120363001@g.us", participant="628123456789@c.us"))
    chat = Chat.objects.get()
    assert chat.kind == "group" and chat.phone == "120363001"
    assert sent_texts(waha) == []  # the bot never answers a group


def test_own_messages_are_never_answered(device, waha, deliver):
    AutoReply.objects.create(workspace=device.workspace, keyword="hi", match_type="CONTAINS", response_text="Yo")
    assert deliver(device, envelope("hi", from_me=True, frm="628111000001@c.us", to="628123456789@c.us")) is None
    assert sent_texts(waha) == []


def test_loop_guard_caps_bot_replies_per_hour(device, waha, deliver):
    AutoReply.objects.create(workspace=device.workspace, keyword="ok", match_type="CONTAINS", response_text="OK!")
    settings = settings_for(device.workspace)
    settings.bot_replies_per_hour = 3
    settings.save()
    for _ in range(6):
        deliver(device, envelope("ok"))  # another bot answering every message of ours
    assert sent_texts(waha) == ["OK!"] * 3
    assert Message.objects.filter(direction="in").count() == 6


def test_bot_off_means_no_reply_but_message_stored(device, waha, deliver):
    AutoReply.objects.create(workspace=device.workspace, keyword="hi", match_type="CONTAINS", response_text="Yo")
    deliver(device, envelope("hi"))
    Chat.objects.update(bot_enabled=False)
    deliver(device, envelope("hi again"))
    assert sent_texts(waha) == ["Yo"]
    assert Chat.objects.get().messages.filter(direction="in").count() == 2


def test_keyword_priority_and_device_scope(device, waha, deliver, workspace):
    from devices.models import Device

    other = Device.objects.create(workspace=workspace, session_name="alpha-2", server=device.server)
    low = AutoReply.objects.create(workspace=workspace, keyword="promo", match_type="CONTAINS",
                                   response_text="general", priority=50)
    scoped = AutoReply.objects.create(workspace=workspace, keyword="promo", match_type="CONTAINS",
                                      response_text="other number only", priority=1)
    scoped.devices.add(other)
    deliver(device, envelope("any promo?"))
    assert sent_texts(waha) == ["general"]
    low.priority = 0
    low.save()
    assert low.priority < scoped.priority


def test_opt_out_word_confirms_once_and_stops(device, waha, deliver):
    AutoReply.objects.create(workspace=device.workspace, keyword="stop", match_type="CONTAINS", response_text="no!")
    deliver(device, envelope("STOP"))
    deliver(device, envelope("stop"))
    assert Contact.objects.get().opted_out
    texts = sent_texts(waha)
    assert len(texts) == 1 and "broadcasts" in texts[0]


def test_message_any_records_our_sends_once_and_acks_move_forward(device, waha, deliver):
    deliver(device, envelope("from the phone app", from_me=True, frm="628111000001@c.us", to="628123456789@c.us",
                             engine="WEBJS", short_id="SHORT1", event="message.any"))
    deliver(device, envelope("from the phone app", from_me=True, frm="628111000001@c.us", to="628123456789@c.us",
                             engine="WEBJS", short_id="SHORT1", event="message.any"))
    message = Message.objects.get()
    assert message.direction == "out" and message.sender == "agent" and message.chat.phone == "628123456789"
    ack = {"event": "message.ack", "payload": {"id": "true_555@lid_SHORT1", "ack": 3, "fromMe": True}}
    deliver(device, ack)
    deliver(device, {"event": "message.ack", "payload": {"id": "true_628123456789@c.us_SHORT1", "ack": 2}})
    message.refresh_from_db()
    assert message.ack == 3
    assert Chat.objects.get().unread_count == 0


def test_campaign_send_seen_in_message_any_is_marked_campaign(device, waha, deliver):
    deliver(device, envelope("Promo!", from_me=True, frm="628123456789@c.us", to=None, engine="GOWS",
                             source="api", event="message.any"))
    assert Message.objects.get().sender == "campaign"


def test_inbound_media_is_copied(device, waha, deliver):
    waha.add(responses.GET, f"{WAHA}/api/files/alpha-1/X1.jpg", body=b"JPEGDATA", content_type="image/jpeg")
    deliver(device, envelope("look", media={"url": f"{WAHA}/api/files/alpha-1/X1.jpg", "mimetype": "image/jpeg"}))
    message = Message.objects.get()
    assert message.media_type == "image" and message.media.read() == b"JPEGDATA"
    assert message.media_remote_url == ""


def test_cs_rotator_assigns_round_robin_among_online_members(device, waha, deliver, workspace, owner):
    from accounts.models import Membership
    from tests.factories import MembershipFactory

    settings = settings_for(workspace)
    settings.cs_rotator_enabled = True
    settings.save()
    from django.utils import timezone

    a = MembershipFactory(workspace=workspace, role="agent", is_online=True, last_seen_at=timezone.now())
    b = MembershipFactory(workspace=workspace, role="agent", is_online=True, last_seen_at=timezone.now())
    MembershipFactory(workspace=workspace, role="agent", is_online=False, last_seen_at=timezone.now())
    Membership.objects.filter(user=owner).update(is_online=False)
    for phone in ("62811", "62812", "62813"):
        deliver(device, envelope("hello", frm=f"{phone}@c.us"))
    assigned = list(Chat.objects.order_by("pk").values_list("assigned_to_id", flat=True))
    assert assigned == [a.user_id, b.user_id, a.user_id]


def test_answers_are_spun_and_broken_spintax_is_refused(device, waha, deliver):
    from config.errors import UserError
    from inbox.autoreplies import autoreply_save

    autoreply_save(workspace=device.workspace, keyword="halo", match_type="CONTAINS",
                   response_text="{Hai|Halo} [name|Kak], ada yang bisa dibantu?")
    with pytest.raises(UserError) as exc:
        autoreply_save(workspace=device.workspace, keyword="x", match_type="EXACT", response_text="{Hai|Halo")
    assert "spintax" in exc.value.message
    deliver(device, envelope("halo"))
    assert sent_texts(waha)[0] in {"Hai Budi, ada yang bisa dibantu?", "Halo Budi, ada yang bisa dibantu?"}


def test_hidden_lid_chat_joins_the_phone_chat_once_resolved(device, waha, deliver):
    waha.add(responses.GET, f"{WAHA}/api/alpha-1/lids/777%40lid", json={"lid": "777@lid", "pn": None})
    deliver(device, envelope("who am I?", frm="777@lid"))
    hidden = Chat.objects.get()
    assert not hidden.phone_known and hidden.chat_jid == "777@lid"
    deliver(device, envelope("hello", frm="628123456789@c.us"))
    deliver(device, envelope("now with alt", frm="777@lid", engine="NOWEB", alt="628123456789@c.us"))
    chat = Chat.objects.get()
    assert chat.phone == "628123456789" and chat.lid == "777@lid" and chat.messages.count() == 3
    assert chat.unread_count == 3
