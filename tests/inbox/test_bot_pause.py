"""The bot steps back when a person answers (#16.1): an agent's reply or a message typed on the phone pauses keyword
rules and the assistant in that chat for the workspace's pause; our own sends do not; opt-out still works; the pause
ends by itself or with Resume bot, on the page and in the API, for members who can see the chat."""
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from contacts.models import Contact
from inbox import replies
from inbox.knowledge import knowledge_source_create
from inbox.models import PAUSED_UNTIL_RESUMED, AutoReply, Chat, Message
from inbox.services import chat_bot_pause, settings_for
from tests.inbox.conftest import envelope, sent_texts

pytestmark = pytest.mark.django_db

CUSTOMER = "628123456789"
START = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def _faqs(workspace, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        knowledge_source_create(workspace=workspace, kind="faq", question="What are your opening hours?",
                                text="We open 9am-5pm, Monday to Saturday.")
        knowledge_source_create(workspace=workspace, kind="faq", question="Do you ship to Bandung?",
                                text="Yes, shipping to Bandung takes 3 days.")


@pytest.fixture
def rule(device):
    return AutoReply.objects.create(workspace=device.workspace, keyword="harga", match_type="CONTAINS",
                                    response_text="The price is 10k")


def _conversation(device, deliver):
    """A customer wrote once (the bot answered by keyword): the chat exists, the bot is on and not paused."""
    deliver(device, envelope("harga?"))
    chat = Chat.objects.get()
    assert not chat.bot_paused
    return chat


def _phone_reply(device, text="ok, saya cek dulu", *, engine="WEBJS", source="app", event="message.any",
                 short_id=None, to=f"{CUSTOMER}@c.us"):
    frm, to = (f"{device.phone_number}@c.us", to) if engine == "WEBJS" else (to, None)
    return envelope(text, from_me=True, frm=frm, to=to, engine=engine, source=source, event=event, short_id=short_id)


@time_machine.travel(START, tick=False)
def test_an_agents_reply_pauses_the_bot(device, waha, deliver, rule, agent_client, django_capture_on_commit_callbacks):
    chat = _conversation(device, deliver)
    with django_capture_on_commit_callbacks(execute=True):
        agent_client.post(reverse("inbox:chat_send", args=[chat.pk]), {"text": "Saya bantu ya"})
    chat.refresh_from_db()
    assert chat.bot_paused_until == START + timedelta(minutes=120)
    deliver(device, envelope("harga berapa?"))
    assert sent_texts(waha) == ["The price is 10k", "Saya bantu ya"]


@pytest.mark.parametrize("engine", ["WEBJS", "NOWEB"])
def test_a_reply_typed_on_the_phone_pauses_the_bot(device, waha, deliver, rule, engine):
    chat = _conversation(device, deliver)
    deliver(device, _phone_reply(device, engine=engine))
    chat.refresh_from_db()
    assert chat.bot_paused
    assert Message.objects.filter(chat=chat, sender="agent", sent_by=None).count() == 1  # shown as "Phone"
    deliver(device, envelope("harga?"))
    assert sent_texts(waha) == ["The price is 10k"]


def test_a_message_event_with_from_me_pauses_an_existing_chat(device, waha, deliver, rule):
    chat = _conversation(device, deliver)
    assert deliver(device, _phone_reply(device, event="message")) is None  # recording stays message.any's job
    chat.refresh_from_db()
    assert chat.bot_paused


def test_our_own_sends_do_not_pause(device, waha, deliver, rule):
    chat = _conversation(device, deliver)
    bot = Message.objects.get(sender="bot")
    # The bot's own answer coming back as message.any, even marked "app" (a missed WAHA cache), is ours.
    deliver(device, _phone_reply(device, "The price is 10k", short_id=bot.short_id))
    # A campaign (or any send through WAHA) says source "api".
    deliver(device, _phone_reply(device, "Promo hari ini!", source="api"))
    deliver(device, _phone_reply(device, "Promo hari ini!", source="api", event="message"))
    chat.refresh_from_db()
    assert chat.bot_paused_until is None
    assert Message.objects.get(text="Promo hari ini!").sender == "campaign"
    deliver(device, envelope("harga?"))
    assert sent_texts(waha) == ["The price is 10k", "The price is 10k"]


def test_a_phone_reply_in_a_group_does_not_pause(device, waha, deliver):
    settings = settings_for(device.workspace)
    settings.include_groups = True
    settings.save()
    deliver(device, _phone_reply(device, to="120363000000000001@g.us"))
    chat = Chat.objects.get()
    assert chat.kind == "group" and chat.bot_paused_until is None


def test_keyword_and_assistant_stay_quiet_while_paused(device, waha, deliver, rule, settings,
                                                      django_capture_on_commit_callbacks):
    settings.OPENAI_API_KEY = ""  # FAQ answers by keyword ranking: the assistant's path without a model
    _faqs(device.workspace, django_capture_on_commit_callbacks)
    deliver(device, envelope("kirim ke bandung bisa?"))
    assert sent_texts(waha) == ["Yes, shipping to Bandung takes 3 days."]
    chat_bot_pause(chat=Chat.objects.get())
    for text in ("kirim ke bandung bisa?", "harga?"):
        message = deliver(device, envelope(text))
        assert replies.reply_pipeline(message=message) == "paused"
    assert sent_texts(waha) == ["Yes, shipping to Bandung takes 3 days."]


def test_an_assistant_answer_queued_before_the_agent_replied_is_dropped(device, waha, deliver, settings, monkeypatch,
                                                                        agent_client,
                                                                        django_capture_on_commit_callbacks):
    settings.OPENAI_API_KEY = ""
    _faqs(device.workspace, django_capture_on_commit_callbacks)
    monkeypatch.setattr("inbox.tasks.assistant_reply_task.apply_async", lambda args, **options: None)
    message = deliver(device, envelope("kirim ke bandung bisa?"))
    with django_capture_on_commit_callbacks(execute=True):
        agent_client.post(reverse("inbox:chat_send", args=[message.chat_id]), {"text": "Bisa kak"})
    asked = []  # a dropped answer costs no model call
    monkeypatch.setattr("inbox.replies.assistant_answer", lambda **kwargs: asked.append(kwargs))
    with django_capture_on_commit_callbacks(execute=True):
        assert replies.assistant_reply(message_id=message.pk) == "paused"
    assert sent_texts(waha) == ["Bisa kak"] and asked == []


def test_a_bot_reply_waiting_to_be_sent_is_dropped_when_a_person_answered(device, waha, deliver, rule, monkeypatch,
                                                                          agent, django_capture_on_commit_callbacks):
    queued = []
    monkeypatch.setattr("inbox.tasks.message_send_task.apply_async", lambda args, **options: queued.append(*args))
    deliver(device, envelope("harga?"))  # the keyword answer waits for its typing delay
    chat = Chat.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        replies.chat_send_by_agent(chat=chat, user=agent, text="Harganya 9k kak")
    for message_id in queued:
        replies.message_send(message_id=message_id)
    assert sent_texts(waha) == ["Harganya 9k kak"]
    bot = Message.objects.get(sender="bot")
    assert bot.send_state == "failed" and "stepped back" in bot.error


def test_opt_out_still_works_while_paused(device, waha, deliver, rule):
    chat = _conversation(device, deliver)
    chat_bot_pause(chat=chat)
    deliver(device, envelope("STOP"))
    assert Contact.objects.get(phone=CUSTOMER).opted_out
    assert len(sent_texts(waha)) == 2 and "broadcasts" in sent_texts(waha)[-1]


def test_the_pause_ends_by_itself(device, waha, deliver, rule):
    settings = settings_for(device.workspace)
    settings.bot_pause_minutes = 30
    settings.save()
    chat = _conversation(device, deliver)
    with time_machine.travel(START, tick=False):
        deliver(device, _phone_reply(device))
    with time_machine.travel(START + timedelta(minutes=29), tick=False):
        deliver(device, envelope("harga?"))
    assert len(sent_texts(waha)) == 1
    with time_machine.travel(START + timedelta(minutes=31), tick=False):
        deliver(device, envelope("harga?"))
        chat.refresh_from_db()
        assert not chat.bot_paused
    assert len(sent_texts(waha)) == 2


def test_zero_minutes_pauses_until_resumed(device, waha, deliver, rule, owner_client):
    settings = settings_for(device.workspace)
    settings.bot_pause_minutes = 0
    settings.save()
    chat = _conversation(device, deliver)
    deliver(device, _phone_reply(device))
    chat.refresh_from_db()
    assert chat.bot_paused_until == PAUSED_UNTIL_RESUMED
    with time_machine.travel(datetime.now(UTC) + timedelta(days=400)):
        deliver(device, envelope("harga?"))
    assert len(sent_texts(waha)) == 1
    page = owner_client.get(reverse("inbox:chat", args=[chat.pk])).content.decode()
    assert "Bot paused until resumed" in page
    # A later timed pause never shortens the open-ended one.
    settings.bot_pause_minutes = 10
    settings.save()
    chat_bot_pause(chat=chat)
    chat.refresh_from_db()
    assert chat.bot_paused_until == PAUSED_UNTIL_RESUMED


def test_resume_on_the_chat_page(device, waha, deliver, rule, owner_client):
    chat = _conversation(device, deliver)
    with time_machine.travel(START, tick=False):
        chat_bot_pause(chat=chat)
        page = owner_client.get(reverse("inbox:chat", args=[chat.pk])).content.decode()
    assert 'data-testid="bot-paused"' in page and "Bot paused until 4 May, 18:00" in page  # Asia/Jakarta
    assert 'data-testid="resume-bot"' in page and "csrfmiddlewaretoken" in page
    url = reverse("inbox:chat_resume_bot", args=[chat.pk])
    assert owner_client.get(url).status_code == 405
    response = owner_client.post(url)
    assert response.status_code == 302 and response.url == reverse("inbox:chat", args=[chat.pk])
    chat.refresh_from_db()
    assert chat.bot_paused_until is None
    assert 'data-testid="bot-paused"' not in owner_client.get(reverse("inbox:chat", args=[chat.pk])).content.decode()
    deliver(device, envelope("harga?"))
    assert len(sent_texts(waha)) == 2


def test_no_notice_when_the_bot_is_off_anyway(device, owner_client):
    chat = Chat.objects.create(workspace=device.workspace, device=device, phone=CUSTOMER, bot_enabled=False)
    chat_bot_pause(chat=chat)
    assert 'data-testid="bot-paused"' not in owner_client.get(reverse("inbox:chat", args=[chat.pk])).content.decode()


def test_resume_through_the_api(device, waha, deliver, rule, owner_api):
    chat = _conversation(device, deliver)
    chat_bot_pause(chat=chat)
    listed = owner_api.get("/api/chats?show=all").json()["results"][0]
    assert listed["bot_paused"] is True and listed["bot_paused_until"]
    response = owner_api.post(f"/api/chats/{CUSTOMER}/resume-bot")
    assert response.status_code == 200, response.content
    assert response.json()["bot_paused"] is False and response.json()["bot_paused_until"] is None
    chat.refresh_from_db()
    assert chat.bot_paused_until is None


def test_another_workspace_cannot_see_or_resume(device, waha, deliver, rule, outsider_client, outsider_api):
    chat = _conversation(device, deliver)
    chat_bot_pause(chat=chat)
    assert outsider_client.post(reverse("inbox:chat_resume_bot", args=[chat.pk])).status_code == 404
    assert outsider_client.get(reverse("inbox:chat", args=[chat.pk])).status_code == 404
    assert outsider_api.post(f"/api/chats/{CUSTOMER}/resume-bot").status_code == 404
    assert outsider_api.get("/api/chats?show=all").json()["count"] == 0
    chat.refresh_from_db()
    assert chat.bot_paused


def test_agents_resume_chats_they_can_see_only(device, deliver, waha, rule, agent_client, agent_api, owner):
    mine = _conversation(device, deliver)
    theirs = Chat.objects.create(workspace=device.workspace, device=device, phone="628555000111", assigned_to=owner)
    for chat in (mine, theirs):
        chat_bot_pause(chat=chat)
    assert agent_client.post(reverse("inbox:chat_resume_bot", args=[mine.pk])).status_code == 302
    assert agent_client.post(reverse("inbox:chat_resume_bot", args=[theirs.pk])).status_code == 404
    assert agent_api.post("/api/chats/628555000111/resume-bot").status_code == 404
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert not mine.bot_paused and theirs.bot_paused
    chat_bot_pause(chat=mine)
    assert agent_api.post(f"/api/chats/{CUSTOMER}/resume-bot").json()["bot_paused"] is False


def test_the_pause_is_set_on_the_assistant_page_and_in_the_api(owner_client, agent_client, owner_api, workspace):
    url = reverse("inbox:assistant")
    assert 'name="bot_pause_minutes"' in owner_client.get(url).content.decode()
    base = {"min_similarity": 0.35, "faq_min_score": 1, "bot_replies_per_hour": 5}
    assert owner_client.post(url, {**base, "bot_pause_minutes": 45}).status_code == 302
    assert settings_for(workspace).bot_pause_minutes == 45
    too_long = owner_client.post(url, {**base, "bot_pause_minutes": 10081})
    assert too_long.status_code == 200 and settings_for(workspace).bot_pause_minutes == 45
    assert owner_client.post(url, {**base, "bot_pause_minutes": 0}).status_code == 302
    assert settings_for(workspace).bot_pause_minutes == 0
    assert agent_client.post(url, {**base, "bot_pause_minutes": 5}).status_code == 403
    assert owner_api.patch("/api/assistant-settings", {"bot_pause_minutes": 10081}, format="json").status_code == 400
    response = owner_api.patch("/api/assistant-settings", {"bot_pause_minutes": 60}, format="json")
    assert response.json()["bot_pause_minutes"] == 60


def test_an_answer_the_model_wrote_while_a_person_answered_is_dropped(device, waha, deliver, settings, monkeypatch,
                                                                      django_capture_on_commit_callbacks):
    from inbox import assistant

    settings.OPENAI_API_KEY = ""
    _faqs(device.workspace, django_capture_on_commit_callbacks)
    answer = assistant.assistant_answer

    def slow_answer(*, chat, message, settings):  # the agent's reply lands during the model's call
        chat_bot_pause(chat=Chat.objects.get(pk=chat.pk))
        return answer(chat=chat, message=message, settings=settings)

    monkeypatch.setattr("inbox.replies.assistant_answer", slow_answer)
    deliver(device, envelope("kirim ke bandung bisa?"))
    assert sent_texts(waha) == [] and not Message.objects.filter(sender="bot").exists()
