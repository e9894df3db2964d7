"""Inbox pages: the two-pane inbox, agent visibility, replying, bot switch, rules, knowledge, settings."""
import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from inbox.models import AutoReply, Chat, KnowledgeSource, Message, QuickReply
from inbox.services import settings_for
from tests.inbox.conftest import sent_texts

pytestmark = pytest.mark.django_db


def _chat(device, phone="628123456789", **extra):
    return Chat.objects.create(workspace=device.workspace, device=device, phone=phone, name="Budi",
                               last_message_at=timezone.now(), last_message_preview="halo",
                               **{"customer_wrote_at": timezone.now(), **extra})


def test_inbox_lists_chats_and_opens_one(owner_client, device):
    chat = _chat(device, unread_count=2, needs_human=True)
    Message.objects.create(workspace=device.workspace, chat=chat, device=device, direction="in", sender="customer",
                           text="Ada promo?", timestamp=timezone.now())
    page = owner_client.get(reverse("inbox:index")).content.decode()
    assert "Budi" in page and 'data-testid="unread">2<' in page and "need a person" in page
    opened = owner_client.get(reverse("inbox:chat", args=[chat.pk])).content.decode()
    assert "Ada promo?" in opened and 'data-testid="composer"' in opened
    chat.refresh_from_db()
    assert chat.unread_count == 0
    partial = owner_client.get(reverse("inbox:list")).content.decode()
    assert "<html" not in partial and "Budi" in partial and 'hx-swap-oob="true"' in partial


def test_agent_cannot_open_a_chat_assigned_to_someone_else(agent_client, device, owner):
    mine = _chat(device, "62811")
    theirs = _chat(device, "62812", assigned_to=owner)
    assert agent_client.get(reverse("inbox:chat", args=[mine.pk])).status_code == 200
    assert agent_client.get(reverse("inbox:chat", args=[theirs.pk])).status_code == 404
    assert agent_client.post(reverse("inbox:chat_send", args=[theirs.pk]), {"text": "x"}).status_code == 404
    assert "62812" not in agent_client.get(reverse("inbox:index")).content.decode()
    assert agent_client.post(reverse("inbox:chat_assign", args=[mine.pk]), {"user": ""}).status_code == 403


def test_page_reply_and_bot_switch(agent_client, device, waha, django_capture_on_commit_callbacks):
    chat = _chat(device)
    response = agent_client.post(reverse("inbox:chat_bot", args=[chat.pk]), {"enabled": "0"})
    assert response.status_code == 302
    chat.refresh_from_db()
    assert not chat.bot_enabled
    with django_capture_on_commit_callbacks(execute=True):
        partial = agent_client.post(reverse("inbox:chat_send", args=[chat.pk]), {"text": "Saya bantu ya"},
                                    HTTP_HX_REQUEST="true")
    assert "Saya bantu ya" in partial.content.decode()
    assert sent_texts(waha) == ["Saya bantu ya"]
    empty = agent_client.post(reverse("inbox:chat_send", args=[chat.pk]), {"text": ""}, HTTP_HX_REQUEST="true")
    assert "Write a message" in empty.content.decode()


def test_online_toggle(agent_client, agent):
    agent_client.post(reverse("inbox:online"), {"online": "1"})
    assert Membership.objects.get(user=agent).is_online
    agent_client.post(reverse("inbox:online"), {"online": "0"})
    assert not Membership.objects.get(user=agent).is_online


def test_rule_pages(owner_client, agent_client, device):
    bad = owner_client.post(reverse("inbox:autoreply_create"), {
        "keyword": "([a-z]", "match_type": "REGEX", "response_text": "x", "priority": 1, "is_active": "on"})
    assert bad.status_code == 200 and "not valid" in bad.content.decode()
    assert not AutoReply.objects.exists()
    ok = owner_client.post(reverse("inbox:autoreply_create"), {
        "keyword": "harga", "match_type": "CONTAINS", "response_text": "{Hai|Halo} [name], 10rb", "priority": 1,
        "is_active": "on", "devices": [device.pk]})
    assert ok.status_code == 302
    rule = AutoReply.objects.get()
    assert list(rule.devices.all()) == [device]
    result = owner_client.post(reverse("inbox:autoreply_test"), {"text": "HÁRGA berapa"}).content.decode()
    assert "Matches rule" in result and "10rb" in result
    edit = owner_client.post(reverse("inbox:autoreply_edit", args=[rule.pk]), {
        "keyword": "harga", "match_type": "EXACT", "response_text": "ok", "priority": 3})
    assert edit.status_code == 302
    rule.refresh_from_db()
    assert rule.match_type == "EXACT" and not rule.is_active and not rule.devices.exists()
    assert agent_client.get(reverse("inbox:autoreplies")).status_code == 200
    assert agent_client.post(reverse("inbox:autoreply_delete", args=[rule.pk])).status_code == 403
    owner_client.post(reverse("inbox:quickreply_create"), {"title": "Thanks", "text": "Terima kasih!"})
    assert QuickReply.objects.get().text == "Terima kasih!"


def test_knowledge_and_assistant_pages(owner_client, agent_client, settings, django_capture_on_commit_callbacks):
    settings.OPENAI_API_KEY = ""
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(reverse("inbox:knowledge_create"), {"kind": "faq", "question": "Buka hari Minggu?",
                                                              "text": "Tidak, Senin-Sabtu saja."})
    source = KnowledgeSource.objects.get()
    assert source.status == "ready"
    page = owner_client.get(reverse("inbox:knowledge")).content.decode()
    assert "Buka hari Minggu?" in page
    missing = owner_client.post(reverse("inbox:knowledge_create"), {"kind": "faq", "question": "?"})
    assert "both a question and its answer" in missing.content.decode()
    assert agent_client.get(reverse("inbox:assistant")).status_code == 403
    saved = owner_client.post(reverse("inbox:assistant"), {
        "ai_enabled": "on", "instructions": "Jawab dalam Bahasa Indonesia.", "min_similarity": "0.4",
        "faq_min_score": "1.5", "bot_replies_per_hour": "4", "cs_rotator_enabled": "on", "api_key": "sk-new"})
    assert saved.status_code == 302
    row = settings_for(source.workspace)
    assert row.api_key == "sk-new" and row.cs_rotator_enabled and row.bot_replies_per_hour == 4
    owner_client.post(reverse("inbox:assistant"), {"min_similarity": "0.4", "faq_min_score": "1.5",
                                                   "bot_replies_per_hour": "4"})
    row.refresh_from_db()
    assert row.api_key == "sk-new" and not row.ai_enabled  # an empty key field keeps the key


def test_media_is_served_only_to_who_sees_the_chat(owner_client, agent_client, device, owner):
    from django.core.files.base import ContentFile

    chat = _chat(device, assigned_to=owner)
    message = Message(workspace=device.workspace, chat=chat, device=device, direction="in", sender="customer",
                      timestamp=timezone.now(), media_type="image", media_mimetype="image/jpeg")
    message.media.save("a.jpg", ContentFile(b"JPEG"), save=True)
    response = owner_client.get(reverse("inbox:message_media", args=[message.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"JPEG"
    assert agent_client.get(reverse("inbox:message_media", args=[message.pk])).status_code == 404
