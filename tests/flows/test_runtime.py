"""Flows in the reply pipeline: each node kind, retries, back/restart/hand-off words, exactly-once advance,
timeouts from beat, and the order against opt-out words and keyword rules."""
from datetime import timedelta

import pytest
from django.utils import timezone

from contacts.models import Contact, ContactTag
from flows.models import FlowRun, FlowStep
from flows.runtime import runs_timeout
from inbox import replies
from inbox.models import AutoReply, Chat, Message
from tests.inbox.conftest import envelope, sent_texts

pytestmark = pytest.mark.django_db


def _say(deliver, device, text, **kwargs):
    return deliver(device, envelope(text, **kwargs))


def _run():
    return FlowRun.objects.get()


def test_keyword_starts_the_flow_and_the_menu_is_numbered(device, waha, deliver, publish):
    publish()
    _say(deliver, device, "Pesan")
    assert sent_texts(waha) == ["Hi Budi, choose:\n1. Price\n2. Order\n3. Talk to CS"]
    run = _run()
    assert run.node == "menu" and run.status == "active" and run.active_chat_id == run.chat_id
    assert Message.objects.get(sender="bot").reply_source == f"flow:{run.flow_id}"


def test_menu_matches_number_or_words_and_retries(device, waha, deliver, publish):
    publish()
    _say(deliver, device, "order")
    _say(deliver, device, "price please")  # the option's word
    assert sent_texts(waha)[-1].split("\n\n")[0] in ("Our price is 10k", "The price is 10k")
    assert _run().node == "menu"
    _say(deliver, device, "7")
    assert sent_texts(waha)[-1].startswith("Please reply with the number of an option.\n\nHi Budi, choose:")
    _say(deliver, device, "2")
    assert sent_texts(waha)[-1] == "How many?" and _run().node == "qty"


def test_question_validates_retries_stores_and_branches(device, waha, deliver, publish):
    publish()
    for text in ("order", "2", "a few"):
        _say(deliver, device, text)
    assert sent_texts(waha)[-1] == "A number please\n\nHow many?"
    _say(deliver, device, "12")
    _say(deliver, device, "not-an-email")
    assert sent_texts(waha)[-1].endswith("Your e-mail?") and _run().retries == 1
    _say(deliver, device, "Budi@Example.com")
    assert sent_texts(waha)[-1] == "Thanks! 12 noted for budi@example.com."
    run = FlowRun.objects.get()
    assert run.status == "completed" and run.active_chat_id is None
    assert run.variables["qty"] == "12"
    contact = Contact.objects.get()
    assert contact.custom_fields["email"] == "budi@example.com"
    assert ContactTag.objects.filter(contact=contact, tag__name="bulk").exists()  # 12 > 10: the condition held


def test_small_order_skips_the_tag(device, waha, deliver, publish):
    publish()
    for text in ("order", "2", "3", "a@b.co"):
        _say(deliver, device, text)
    assert not ContactTag.objects.exists()
    assert _run().status == "completed"


def test_three_wrong_answers_hand_the_chat_to_a_person(device, waha, deliver, publish):
    publish()
    for text in ("order", "x", "y", "z"):
        _say(deliver, device, text)
    chat = Chat.objects.get()
    assert chat.needs_human and not chat.bot_enabled
    assert _run().status == "handed_off"


@pytest.mark.parametrize("word", ["agen", "Agent!", "CS"])
def test_handoff_word_works_at_any_node(device, waha, deliver, publish, word):
    publish()
    for text in ("order", "2", word):
        _say(deliver, device, text)
    chat = Chat.objects.get()
    assert chat.needs_human and "asked for a person" in chat.handoff_reason
    assert _run().status == "handed_off"
    assert sent_texts(waha)[-1] == "Thank you. A person from our team will answer you here soon."


def test_zero_goes_back_and_menu_restarts(device, waha, deliver, publish):
    publish()
    for text in ("order", "2", "5"):
        _say(deliver, device, text)
    assert _run().node == "email"
    _say(deliver, device, "0")
    assert _run().node == "qty" and sent_texts(waha)[-1] == "How many?"
    _say(deliver, device, "menu")
    run = _run()
    assert run.node == "menu" and run.variables == {} and run.history == []
    assert sent_texts(waha)[-1].startswith("Hi Budi, choose:")


def test_redelivered_message_advances_the_run_once(device, waha, deliver, publish,
                                                   django_capture_on_commit_callbacks):
    publish()
    _say(deliver, device, "order")
    message = Message.objects.create(workspace=device.workspace, chat=Chat.objects.get(), device=device,
                                     direction="in", sender="customer", text="2", timestamp=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert replies.reply_pipeline(message=message) == "flow"
        assert replies.reply_pipeline(message=message) == "flow_duplicate"  # a second worker, or the task again
    assert _run().node == "qty"
    assert FlowStep.objects.filter(message=message).count() == 1
    assert sent_texts(waha).count("How many?") == 1


def test_a_duplicate_webhook_starts_one_run(device, waha, deliver, publish):
    publish()
    event = envelope("order")
    deliver(device, event)
    deliver(device, {**event, "id": "evt_again"})
    assert FlowRun.objects.count() == 1 and len(sent_texts(waha)) == 1


def test_opt_out_wins_over_an_active_flow(device, waha, deliver, publish):
    publish()
    _say(deliver, device, "order")
    _say(deliver, device, "STOP")
    assert Contact.objects.get().opted_out_at is not None
    assert _run().node == "menu"  # the flow did not take "STOP" as an answer
    assert "broadcasts" in sent_texts(waha)[-1]


def test_an_active_flow_comes_before_keyword_rules(device, waha, deliver, publish):
    AutoReply.objects.create(workspace=device.workspace, keyword="2", match_type="EXACT", response_text="Rule!")
    AutoReply.objects.create(workspace=device.workspace, keyword="hello", match_type="EXACT", response_text="Hey")
    publish()
    _say(deliver, device, "hello")  # no flow: the rule answers
    _say(deliver, device, "order")
    _say(deliver, device, "2")  # in the flow: the flow answers, not the rule
    assert sent_texts(waha)[0] == "Hey" and sent_texts(waha)[-1] == "How many?"
    assert "Rule!" not in sent_texts(waha)


def test_new_contact_trigger_only_on_the_first_message(device, waha, deliver, publish):
    publish({"nodes": [{"id": "t", "kind": "trigger", "trigger": "new_contact", "next": "m"},
                       {"id": "m", "kind": "message", "text": "Welcome [name]!"}]}, name="Welcome")
    _say(deliver, device, "hi there")
    _say(deliver, device, "hi again")
    assert sent_texts(waha) == ["Welcome Budi!"]
    assert _run().status == "completed"


def test_reminder_then_timeout_from_beat_once(device, waha, deliver, publish, django_capture_on_commit_callbacks):
    publish()
    for text in ("order", "2"):
        _say(deliver, device, text)
    start = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert runs_timeout(now=start + timedelta(minutes=5)) == (0, 0)
        assert runs_timeout(now=start + timedelta(minutes=11)) == (1, 0)
        assert runs_timeout(now=start + timedelta(minutes=12)) == (0, 0)  # the reminder went once
        assert runs_timeout(now=start + timedelta(minutes=31)) == (0, 1)
        assert runs_timeout(now=start + timedelta(minutes=32)) == (0, 0)
    run = _run()
    assert run.status == "timed_out" and run.active_chat_id is None
    assert sent_texts(waha)[-1] == "Still there?"


def test_chats_keep_their_version_when_a_new_one_is_published(device, waha, deliver, publish):
    from flows import services

    flow = publish()
    _say(deliver, device, "order")
    draft = {**flow.draft, "nodes": [{**n, "text": "Choose now:"} if n["id"] == "menu" else n
                                     for n in flow.draft["nodes"]]}
    services.flow_update(flow=flow, draft=draft)
    services.flow_publish(flow=flow)
    assert flow.live_version.number == 2
    _say(deliver, device, "9")  # a retry re-sends the version-1 menu
    assert "Hi Budi, choose:" in sent_texts(waha)[-1]
    assert _run().version.number == 1


def test_archiving_ends_the_runs_and_keywords_answer_again(device, waha, deliver, publish):
    from flows import services

    AutoReply.objects.create(workspace=device.workspace, keyword="2", match_type="EXACT", response_text="Rule!")
    flow = publish()
    _say(deliver, device, "order")
    services.flow_archive(flow=flow)
    _say(deliver, device, "2")
    assert sent_texts(waha)[-1] == "Rule!" and _run().status == "cancelled"


def test_timeout_way_moves_the_run_and_expiry_ends_it(device, waha, deliver, publish,
                                                      django_capture_on_commit_callbacks):
    publish({"nodes": [
        {"id": "t", "kind": "trigger", "trigger": "keyword", "keywords": ["hi"], "next": "q"},
        {"id": "q", "kind": "question", "text": "Name?", "name": "who", "timeout_minutes": 5, "timeout_next": "late",
         "next": "done"},
        {"id": "late", "kind": "menu", "text": "Still interested?", "options": [{"label": "Yes", "next": "q"}]},
        {"id": "done", "kind": "message", "text": "Hi [who]"}]}, name="Timeouts")
    _say(deliver, device, "hi")
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert runs_timeout(now=now + timedelta(minutes=6)) == (0, 1)
    assert _run().node == "late" and sent_texts(waha)[-1] == "Still interested?\n1. Yes"
    runs_timeout(now=now + timedelta(days=2))
    assert _run().status == "timed_out"
    _say(deliver, device, "Yes")  # the run is over: no flow answers
    assert len(sent_texts(waha)) == 2
