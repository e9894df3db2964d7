"""Replies while the broker (Redis) is down, and the sweep of replies whose task was lost (issue 12 #9).

An agent's reply used to be stored QUEUED and then answer 500; nothing ever queued it again, so it stayed
"queued" for ever. Now the reply is refused with a 503 before it is stored, and a QUEUED row whose task was
lost is sent by the beat's sweep, once."""
from datetime import timedelta

import pytest
from django.utils import timezone

from config import queue
from inbox import replies
from inbox.models import Chat, Message
from tests.inbox.conftest import sent_texts
from tests.outage import broker_down_fixture

__all__ = ["broker_down_fixture"]
pytestmark = pytest.mark.django_db


def _chat(device, phone="628123456789", **extra):
    return Chat.objects.create(workspace=device.workspace, device=device, phone=phone, last_message_at=timezone.now(),
                               customer_wrote_at=timezone.now(), **extra)


def test_an_api_reply_while_the_queue_is_down_is_a_503_and_nothing_is_stored(agent_api, device, broker_down):
    chat = _chat(device, unread_count=2)
    response = agent_api.post(f"/api/chats/{chat.phone}/send", {"text": "hi"}, format="json")
    assert response.status_code == 503
    assert response.json()["error"] == "queue_unavailable" and "nothing was saved" in response.json()["message"]
    assert not Message.objects.exists()
    chat.refresh_from_db()
    assert chat.unread_count == 2  # the chat still waits for its answer


def test_a_page_reply_while_the_queue_is_down_says_so_in_the_conversation(agent_client, device, broker_down):
    chat = _chat(device)
    response = agent_client.post(f"/inbox/c/{chat.pk}/send/", {"text": "hi"}, HTTP_HX_REQUEST="true")
    assert "nothing was saved" in response.content.decode()
    assert not Message.objects.exists()


def _queued(chat, text, age):
    message = Message.objects.create(workspace_id=chat.workspace_id, chat=chat, device=chat.device,
                                     direction=Message.Direction.OUT, sender=Message.Sender.AGENT, text=text,
                                     send_state=Message.SendState.QUEUED, timestamp=timezone.now())
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - age)
    return message


def test_a_reply_whose_task_was_lost_after_the_commit_is_sent_once_by_the_sweep(
        agent_api, device, waha, broker_down, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(queue, "require", lambda: None)  # the broker went away between the check and the commit
    chat = _chat(device)
    with django_capture_on_commit_callbacks(execute=True):
        response = agent_api.post(f"/api/chats/{chat.phone}/send", {"text": "sorry for the wait"}, format="json")
    assert response.status_code == 202, response.content
    message = Message.objects.get()
    assert message.send_state == Message.SendState.QUEUED and sent_texts(waha) == []
    broker_down.end()
    assert replies.messages_requeue() == (0, 0)  # too young: its task may still be on its way
    later = timezone.now() + replies.REQUEUE_AFTER + timedelta(seconds=1)
    assert replies.messages_requeue(now=later) == (1, 0)
    assert replies.messages_requeue(now=later) == (0, 0)
    message.refresh_from_db()
    assert message.send_state == Message.SendState.SENT and sent_texts(waha) == ["sorry for the wait"]


def test_the_sweep_never_sends_a_row_a_worker_has_claimed(device, waha):
    chat = _chat(device)
    claimed = _queued(chat, "in flight", timedelta(minutes=10))
    Message.objects.filter(pk=claimed.pk).update(send_state=Message.SendState.SENDING)
    assert replies.messages_requeue() == (0, 0)
    assert sent_texts(waha) == []


def test_a_reply_waiting_over_an_hour_is_failed_with_the_reason_not_sent_late(device, waha):
    chat = _chat(device)
    stale = _queued(chat, "too late", replies.GIVE_UP_AFTER + timedelta(minutes=1))
    assert replies.messages_requeue() == (0, 1)
    stale.refresh_from_db()
    assert stale.send_state == Message.SendState.FAILED and "more than an hour" in stale.error
    assert sent_texts(waha) == []


def test_an_auto_reply_the_broker_did_not_take_is_kept_queued_for_the_sweep(device, broker_down,
                                                                             django_capture_on_commit_callbacks):
    chat = _chat(device)
    with django_capture_on_commit_callbacks(execute=True):
        message = replies.message_queue(chat=chat, text="Thanks!", sender=Message.Sender.BOT, human_like=False)
    message.refresh_from_db()
    assert message.send_state == Message.SendState.QUEUED  # no exception: the webhook's handler carried on
