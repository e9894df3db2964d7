"""Send later, for one message (#13): an agent's message with `send_at` waits SCHEDULED in the chat, goes once at
its time through the one send task (queued by the beat's sweep, so a lost task or a flushed Redis loses nothing),
can be cancelled until it goes, and counts as a person's answer for the bot pause only once sent."""
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from inbox import replies
from inbox.models import AutoReply, Chat, Message
from inbox.tasks import message_send_task
from tests.inbox.conftest import envelope, sent_texts

pytestmark = pytest.mark.django_db

CUSTOMER = "628123456789"


@pytest.fixture
def chat(device):
    device.workspace.time_zone = "Asia/Jakarta"
    device.workspace.save(update_fields=["time_zone"])
    return Chat.objects.create(workspace=device.workspace, device=device, phone=CUSTOMER,
                               last_message_at=timezone.now(), customer_wrote_at=timezone.now())


def _schedule(api, chat, send_at, text="Promo besok jam 9", capture=None):
    """POST with `send_at`; `capture` (django_capture_on_commit_callbacks) runs the commit hooks, as a worker would."""
    body = {"text": text, "send_at": send_at if isinstance(send_at, str) else send_at.isoformat()}
    if capture is None:
        return api.post(f"/api/chats/{chat.phone}/send", body, format="json")
    with capture(execute=True):
        return api.post(f"/api/chats/{chat.phone}/send", body, format="json")


def _sweep_at(moment, capture):
    with time_machine.travel(moment, tick=False), capture(execute=True):
        return replies.messages_requeue()


def test_scheduled_waits_then_goes_at_its_time_not_before(owner_api, chat, waha, django_capture_on_commit_callbacks):
    at = timezone.now() + timedelta(hours=2)
    response = _schedule(owner_api, chat, at, capture=django_capture_on_commit_callbacks)
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["send_state"] == "scheduled" and body["send_at"].startswith(at.astimezone(chat.workspace.zone)
                                                                            .strftime("%Y-%m-%dT%H:%M"))
    listed = owner_api.get(f"/api/chats/{chat.phone}/messages").json()["results"][0]
    assert listed["send_state"] == "scheduled" and listed["send_at"] == body["send_at"]
    message = Message.objects.get()
    assert message.timestamp == at  # shown at its time in the chat

    _sweep_at(at - timedelta(minutes=30), django_capture_on_commit_callbacks)
    message_send_task.apply(args=(message.pk,))  # a task that comes early (a duplicate, a fast clock) waits too
    message.refresh_from_db()
    assert message.send_state == "scheduled" and sent_texts(waha) == []

    assert _sweep_at(at, django_capture_on_commit_callbacks) == (1, 0)
    message.refresh_from_db()
    assert message.send_state == "sent" and sent_texts(waha) == ["Promo besok jam 9"]
    assert message.timestamp == at and message.send_at == at


def test_the_sweep_queues_one_due_within_the_minute_with_its_countdown(owner_api, chat, waha, monkeypatch,
                                                                       django_capture_on_commit_callbacks):
    at = timezone.now() + timedelta(hours=2)
    _schedule(owner_api, chat, at, capture=django_capture_on_commit_callbacks)
    queued = []
    monkeypatch.setattr(replies.queue, "enqueue", lambda task, *args, countdown=None: queued.append(
        (task, args, countdown)) or True)
    with time_machine.travel(at - timedelta(seconds=40), tick=False):
        assert replies.messages_requeue() == (1, 0)
    assert queued == [(replies.SEND_TASK, (Message.objects.get().pk,), 40.0)]


def test_sent_once_when_the_task_runs_twice_and_the_sweep_also_picks_it(owner_api, chat, waha,
                                                                        django_capture_on_commit_callbacks):
    at = timezone.now() + timedelta(seconds=30)  # due soon: queued at once with its countdown, and swept too
    _schedule(owner_api, chat, at, capture=django_capture_on_commit_callbacks)
    message = Message.objects.get()
    with time_machine.travel(at + timedelta(seconds=1), tick=False), django_capture_on_commit_callbacks(execute=True):
        message_send_task.apply(args=(message.pk,))
        message_send_task.apply(args=(message.pk,))
        replies.messages_requeue()
        replies.messages_requeue()
    assert sent_texts(waha) == ["Promo besok jam 9"]
    message.refresh_from_db()
    assert message.send_state == "sent"


def test_a_lost_task_or_a_flushed_redis_loses_nothing(owner_api, chat, waha, django_capture_on_commit_callbacks):
    at = timezone.now() + timedelta(seconds=30)
    with django_capture_on_commit_callbacks(execute=False):  # the countdown task never runs: Redis was flushed
        assert _schedule(owner_api, chat, at).status_code == 202
    assert sent_texts(waha) == []
    _sweep_at(at + timedelta(seconds=5), django_capture_on_commit_callbacks)
    assert sent_texts(waha) == ["Promo besok jam 9"]


def test_a_schedule_missed_by_more_than_an_hour_fails_with_the_reason(owner_api, chat, waha,
                                                                      django_capture_on_commit_callbacks):
    at = timezone.now() + timedelta(hours=2)
    _schedule(owner_api, chat, at, capture=django_capture_on_commit_callbacks)
    assert _sweep_at(at + timedelta(hours=1, minutes=1), django_capture_on_commit_callbacks) == (0, 1)
    message = Message.objects.get()
    assert message.send_state == "failed" and "scheduled time passed" in message.error and sent_texts(waha) == []


def test_a_scheduled_message_back_in_the_queue_waits_from_its_time_not_from_when_it_was_written(
        chat, agent, waha, django_capture_on_commit_callbacks):
    # A session reconnecting puts a due row back to QUEUED for its retry: written days ago, it must not be
    # given up at once by the sweep, which counts a queued row's hour from its send_at.
    at = timezone.now() + timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        message = replies.chat_send_by_agent(chat=chat, user=agent, text="hi", send_at=at)
    Message.objects.filter(pk=message.pk).update(send_state="queued")
    with time_machine.travel(at + timedelta(minutes=10), tick=False), django_capture_on_commit_callbacks(execute=True):
        assert replies.messages_requeue() == (1, 0)
    assert sent_texts(waha) == ["hi"]


def test_cancel_before_it_goes(owner_api, chat, waha, django_capture_on_commit_callbacks):
    at = timezone.now() + timedelta(hours=2)
    message_id = _schedule(owner_api, chat, at, capture=django_capture_on_commit_callbacks).json()["id"]
    response = owner_api.post(f"/api/chats/{chat.phone}/messages/{message_id}/cancel")
    assert response.status_code == 200 and response.json()["send_state"] == "cancelled"
    assert owner_api.post(f"/api/chats/{chat.phone}/messages/{message_id}/cancel").status_code == 200  # twice: no-op
    _sweep_at(at, django_capture_on_commit_callbacks)
    message_send_task.apply(args=(message_id,))
    assert sent_texts(waha) == [] and Message.objects.get().send_state == "cancelled"


def test_cancel_is_refused_once_it_went(owner_api, chat, waha, django_capture_on_commit_callbacks):
    at = timezone.now() + timedelta(hours=2)
    message_id = _schedule(owner_api, chat, at, capture=django_capture_on_commit_callbacks).json()["id"]
    _sweep_at(at, django_capture_on_commit_callbacks)
    response = owner_api.post(f"/api/chats/{chat.phone}/messages/{message_id}/cancel")
    assert response.status_code == 409, response.content
    assert response.json()["error"] == "message_not_scheduled" and "already sent" in response.json()["message"]
    Message.objects.filter(pk=message_id).update(send_state="sending")  # claimed by the send, not finished yet
    response = owner_api.post(f"/api/chats/{chat.phone}/messages/{message_id}/cancel")
    assert response.status_code == 409 and "being sent" in response.json()["message"]
    assert Message.objects.get().send_state == "sending"


def test_a_message_sent_at_once_cannot_be_cancelled(owner_api, chat, waha, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message_id = owner_api.post(f"/api/chats/{chat.phone}/send", {"text": "now"}, format="json").json()["id"]
    assert owner_api.post(f"/api/chats/{chat.phone}/messages/{message_id}/cancel").status_code == 409


@pytest.mark.parametrize(("send_at", "code", "words"), [
    (lambda now: now - timedelta(minutes=1), "send_at_out_of_range", "in the future"),
    (lambda now: now + timedelta(days=91), "send_at_out_of_range", "at most 90 days"),
    (lambda now: "tomorrow-ish", "invalid", "not a date and time"),
])
def test_past_far_or_unreadable_send_at_is_refused(owner_api, chat, waha, send_at, code, words):
    response = _schedule(owner_api, chat, send_at(timezone.now()))
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["error"] == code and words in body["message"] and "send_at" in body["fields"]
    assert not Message.objects.exists()


def test_a_time_without_offset_is_the_workspaces_wall_clock(owner_api, chat, waha):
    local = (timezone.now() + timedelta(days=2)).astimezone(chat.workspace.zone).replace(second=0, microsecond=0)
    assert _schedule(owner_api, chat, local.strftime("%Y-%m-%dT%H:%M")).status_code == 202
    assert Message.objects.get().send_at == local  # Asia/Jakarta: the same instant as 7 hours earlier in UTC
    assert _schedule(owner_api, chat, local.isoformat()).status_code == 202  # with its offset
    assert Message.objects.latest("pk").send_at == local


def test_the_bot_steps_back_only_when_it_goes(owner_api, chat, device, waha, deliver,
                                              django_capture_on_commit_callbacks):
    AutoReply.objects.create(workspace=device.workspace, keyword="harga", response_text="The price is 10k")
    at = timezone.now() + timedelta(hours=2)
    _schedule(owner_api, chat, at, capture=django_capture_on_commit_callbacks)
    chat.refresh_from_db()
    assert not chat.bot_paused
    deliver(device, envelope("harga?", frm=f"{CUSTOMER}@c.us"))
    assert sent_texts(waha) == ["The price is 10k"]  # the bot still answers while the message waits
    _sweep_at(at, django_capture_on_commit_callbacks)
    chat.refresh_from_db()
    assert chat.bot_paused_until == at + timedelta(minutes=120)
    assert chat.last_message_preview == "Promo besok jam 9"


def test_other_workspaces_cannot_see_or_cancel(owner_api, outsider_api, outsider_client, chat, waha,
                                               django_capture_on_commit_callbacks):
    at = timezone.now() + timedelta(hours=2)
    message_id = _schedule(owner_api, chat, at, capture=django_capture_on_commit_callbacks).json()["id"]
    assert outsider_api.get(f"/api/chats/{chat.phone}/messages").status_code == 404
    assert outsider_api.post(f"/api/chats/{chat.phone}/messages/{message_id}/cancel").status_code == 404
    assert outsider_client.post(reverse("inbox:message_cancel", args=[message_id])).status_code == 404
    assert Message.objects.get().send_state == "scheduled"


def test_agents_schedule_and_cancel_in_the_chats_they_see(agent_api, agent, chat, workspace, waha,
                                                          django_capture_on_commit_callbacks):
    from accounts.models import Membership
    from tests.factories import MembershipFactory

    at = timezone.now() + timedelta(hours=2)
    response = _schedule(agent_api, chat, at, capture=django_capture_on_commit_callbacks)
    assert response.status_code == 202
    chat.refresh_from_db()
    assert chat.assigned_to == agent  # answering, even for later, takes the chat
    other = MembershipFactory(workspace=workspace, role=Membership.Role.AGENT).user
    Chat.objects.filter(pk=chat.pk).update(assigned_to=other)
    message_id = response.json()["id"]
    assert agent_api.post(f"/api/chats/{chat.phone}/messages/{message_id}/cancel").status_code == 404
    Chat.objects.filter(pk=chat.pk).update(assigned_to=agent)
    assert agent_api.post(f"/api/chats/{chat.phone}/messages/{message_id}/cancel").json()["send_state"] == "cancelled"


def test_the_page_schedules_shows_and_cancels(agent_client, chat, waha, django_capture_on_commit_callbacks):
    local = (timezone.now() + timedelta(days=1)).astimezone(chat.workspace.zone).replace(second=0, microsecond=0)
    with django_capture_on_commit_callbacks(execute=True):
        response = agent_client.post(reverse("inbox:chat_send", args=[chat.pk]),
                                     {"text": "Besok ya", "send_at": local.strftime("%d/%m/%Y %H:%M")},
                                     HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    message = Message.objects.get()
    assert message.send_state == "scheduled" and message.send_at == local and sent_texts(waha) == []
    page = agent_client.get(reverse("inbox:chat", args=[chat.pk])).content.decode()
    assert 'data-testid="send-at"' in page and 'data-datepicker="datetime"' in page
    assert f"Scheduled for {local.strftime('%-d %b %Y, %H:%M')}" in page  # in the workspace's zone
    assert reverse("inbox:message_cancel", args=[message.pk]) in page
    response = agent_client.post(reverse("inbox:message_cancel", args=[message.pk]), follow=True)
    assert "will not be sent" in response.content.decode()
    message.refresh_from_db()
    assert message.send_state == "cancelled"
    assert agent_client.get(reverse("inbox:message_cancel", args=[message.pk])).status_code == 405


def test_the_page_says_why_a_past_time_is_refused(agent_client, chat, waha):
    past = (timezone.now() - timedelta(hours=1)).astimezone(chat.workspace.zone)
    response = agent_client.post(reverse("inbox:chat_send", args=[chat.pk]),
                                 {"text": "Besok ya", "send_at": past.strftime("%d/%m/%Y %H:%M")},
                                 HTTP_HX_REQUEST="true")
    assert "must be a time in the future" in response.content.decode() and not Message.objects.exists()
