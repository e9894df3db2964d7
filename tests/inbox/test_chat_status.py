"""Chat status (#16): open, pending, resolved, snoozed until a time; a snoozed chat reopens by the beat at its time
or when the customer writes; the list filters and counts each status; resolving ends a bot pause "until resumed"
and, when the workspace asks, sends the rating question through the send path, whose 1-5 answer is stored on the
chat without the bot answering it or the chat reopening. Pages and API, for members who can see the chat."""
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from inbox import chat_status
from inbox.models import PAUSED_UNTIL_RESUMED, AutoReply, Chat, ChatEvent, Message
from inbox.services import settings_for
from inbox.tasks import chats_wake_task
from tests.inbox.conftest import envelope, sent_texts

pytestmark = pytest.mark.django_db

CUSTOMER = "628123456789"
JAKARTA = ZoneInfo("Asia/Jakarta")
START = datetime(2026, 5, 4, 2, 0, tzinfo=UTC)  # 09:00 in Jakarta


@pytest.fixture
def chat(device, deliver, waha):
    device.workspace.time_zone = "Asia/Jakarta"
    device.workspace.save(update_fields=["time_zone"])
    deliver(device, envelope("halo"))
    return Chat.objects.get()


@pytest.fixture
def rule(device):
    return AutoReply.objects.create(workspace=device.workspace, keyword="1", match_type="CONTAINS",
                                    response_text="Menu satu")


def _status(client, chat, status, **extra):
    return client.post(reverse("inbox:chat_status", args=[chat.pk]), {"status": status, **extra})


@pytest.mark.parametrize("status", ["pending", "resolved", "open"])
def test_each_status_move_on_the_page(chat, owner_client, status):
    Chat.objects.filter(pk=chat.pk).update(status="snoozed", snoozed_until=START)
    assert _status(owner_client, chat, status).status_code == 302
    chat.refresh_from_db()
    assert chat.status == status and chat.snoozed_until is None
    assert (chat.resolved_at is not None) == (status == "resolved")
    line = ChatEvent.objects.get(chat=chat, kind="status")
    assert line.status == status and line.author.email == "alice@example.com"


@time_machine.travel(START, tick=False)
def test_snooze_reads_the_workspace_zone_and_refuses_the_past(chat, owner_client):
    assert _status(owner_client, chat, "snoozed", snoozed_until="04/05/2026 08:00").status_code == 302
    chat.refresh_from_db()
    assert chat.status == "open"  # 08:00 in Jakarta already passed
    _status(owner_client, chat, "snoozed", snoozed_until="04/05/2026 13:30")
    chat.refresh_from_db()
    assert chat.status == "snoozed" and chat.snoozed_until == START + timedelta(hours=4, minutes=30)


def test_snooze_reopens_by_the_beat_at_its_time(chat, owner_client):
    with time_machine.travel(START, tick=False):
        _status(owner_client, chat, "snoozed", snoozed_until="04/05/2026 10:00")
    with time_machine.travel(START + timedelta(minutes=59), tick=False):
        assert chats_wake_task.delay().get() == 0
    chat.refresh_from_db()
    assert chat.status == "snoozed"
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        assert chats_wake_task.delay().get() == 1
        assert chat_status.chats_wake() == 0  # twice is harmless
    chat.refresh_from_db()
    assert chat.status == "open" and chat.snoozed_until is None
    lines = list(ChatEvent.objects.filter(chat=chat, kind="status").order_by("pk"))
    assert [(e.status, e.author is None) for e in lines] == [("snoozed", False), ("open", True)]


@pytest.mark.parametrize("status", ["snoozed", "resolved", "pending"])
def test_a_customer_message_reopens(chat, device, deliver, status):
    Chat.objects.filter(pk=chat.pk).update(status=status, snoozed_until=START + timedelta(days=3))
    deliver(device, envelope("masih ada?"))
    chat.refresh_from_db()
    assert chat.status == "open" and chat.snoozed_until is None and chat.unread_count == 2


def test_list_filters_and_counts_each_status(device, owner_client, deliver, waha):
    for n, status in enumerate(["open", "open", "pending", "resolved", "snoozed"]):
        deliver(device, envelope("hi", frm=f"62812000000{n}@c.us"))
        Chat.objects.filter(phone=f"62812000000{n}").update(status=status)
    page = owner_client.get(reverse("inbox:index"))
    shown = {c.phone for c in page.context["chats"]}
    assert shown == {"628120000000", "628120000001"}  # the list opens on the open chats
    counts = {t["key"]: t["count"] for t in page.context["status_tabs"]}
    assert counts == {"open": 2, "pending": 1, "snoozed": 1, "resolved": 1, "all": 5, "mentions": 0}
    resolved = owner_client.get(reverse("inbox:list") + "?status=resolved")
    assert [c.phone for c in resolved.context["chats"]] == ["628120000003"]
    assert b'id="status-tabs"' in resolved.content and b'hx-swap-oob="true"' in resolved.content
    assert len(owner_client.get(reverse("inbox:index") + "?status=all").context["chats"]) == 5


def test_resolving_ends_a_pause_until_resumed_but_not_a_timed_one(chat, owner_client):
    Chat.objects.filter(pk=chat.pk).update(bot_paused_until=PAUSED_UNTIL_RESUMED)
    _status(owner_client, chat, "resolved")
    chat.refresh_from_db()
    assert chat.bot_paused_until is None
    timed = START + timedelta(days=3650)
    Chat.objects.filter(pk=chat.pk).update(bot_paused_until=timed, status="open")
    _status(owner_client, chat, "resolved")
    chat.refresh_from_db()
    assert chat.bot_paused_until == timed


def test_no_rating_question_unless_the_workspace_asks(chat, owner_client, waha, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _status(owner_client, chat, "resolved")
    assert sent_texts(waha) == []
    chat.refresh_from_db()
    assert chat.rating_asked_at is None


def _ask(chat, owner_client, capture, question=""):
    row = settings_for(chat.workspace)
    row.rating_enabled, row.rating_question = True, question
    row.save()
    with capture(execute=True):
        _status(owner_client, chat, "resolved")


def test_the_rating_answer_is_stored_and_not_answered(chat, device, deliver, owner_client, waha, rule,
                                                      django_capture_on_commit_callbacks):
    # A person answered just before: the rating question still goes (it talks over nobody).
    Chat.objects.filter(pk=chat.pk).update(bot_paused_until=START + timedelta(days=3650))
    _ask(chat, owner_client, django_capture_on_commit_callbacks, question="Nilai kami 1-5 ya kak")
    assert sent_texts(waha) == ["Nilai kami 1-5 ya kak"]
    question = Message.objects.get(reply_source="rating")
    assert question.sender == "bot" and question.send_state == "sent"
    Chat.objects.filter(pk=chat.pk).update(bot_paused_until=None, unread_count=0)
    deliver(device, envelope(" 1 "))  # also the keyword rule's word: the bot must not answer it
    chat.refresh_from_db()
    assert chat.rating == 1 and chat.rated_at is not None
    assert chat.status == "resolved" and chat.unread_count == 0
    assert sent_texts(waha) == ["Nilai kami 1-5 ya kak"]
    assert Message.objects.filter(direction="in", text=" 1 ").get().reply_source == "rating"
    # The next message is a conversation again: it reopens and the bot answers.
    deliver(device, envelope("1 lagi"))
    chat.refresh_from_db()
    assert chat.rating == 1 and chat.status == "open"
    assert sent_texts(waha) == ["Nilai kami 1-5 ya kak", "Menu satu"]


def test_a_non_rating_answer_reopens_and_ends_the_question(chat, device, deliver, owner_client, waha,
                                                           django_capture_on_commit_callbacks):
    _ask(chat, owner_client, django_capture_on_commit_callbacks)
    assert sent_texts(waha) == ["How did we do? Reply with a number from 1 (bad) to 5 (great)."]
    deliver(device, envelope("barangnya belum sampai"))
    deliver(device, envelope("5"))
    chat.refresh_from_db()
    assert chat.status == "open" and chat.rating is None and chat.rating_asked_at is None


@pytest.mark.parametrize("text,score", [("5", 5), ("4!", 4), ("3 ⭐", 3), ("6", None), ("15", None),
                                        ("5 tapi lama", None), ("", None)])
def test_rating_answers(text, score):
    assert chat_status.rating_of(text) == score


def test_api_status_and_serializer(chat, owner_api, waha):
    # No frozen clock here: the API's token is signed with the real time.
    until = (timezone.now() + timedelta(days=1)).replace(microsecond=0)
    answer = owner_api.post(f"/api/chats/{CUSTOMER}/status",
                            {"status": "snoozed", "snoozed_until": until.astimezone(JAKARTA).isoformat()},
                            format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "snoozed"
    assert datetime.fromisoformat(answer.json()["snoozed_until"]) == until
    bad = owner_api.post(f"/api/chats/{CUSTOMER}/status", {"status": "snoozed"}, format="json")
    assert bad.status_code == 400 and "snoozed_until" in bad.json()["fields"]
    far = (timezone.now() + timedelta(days=91)).strftime("%Y-%m-%dT%H:%M")
    assert owner_api.post(f"/api/chats/{CUSTOMER}/status", {"status": "snoozed", "snoozed_until": far},
                          format="json").status_code == 400
    assert owner_api.post(f"/api/chats/{CUSTOMER}/status", {"status": "closed"}, format="json").status_code == 400
    listed = owner_api.get("/api/chats?status=snoozed").json()["results"]
    assert [c["phone"] for c in listed] == [CUSTOMER] and listed[0]["rating"] is None and listed[0]["labels"] == []
    assert owner_api.get("/api/chats?status=open").json()["results"] == []
    assert len(owner_api.get("/api/chats").json()["results"]) == 1  # no status: every status, as before


def test_other_workspace_and_agents(chat, outsider_client, outsider_api, agent_client, agent, owner):
    assert _status(outsider_client, chat, "resolved").status_code == 404
    assert outsider_api.post(f"/api/chats/{CUSTOMER}/status", {"status": "resolved"}, format="json").status_code == 404
    Chat.objects.filter(pk=chat.pk).update(assigned_to=owner)
    assert _status(agent_client, chat, "resolved").status_code == 404  # not theirs to see
    Chat.objects.filter(pk=chat.pk).update(assigned_to=agent)
    assert _status(agent_client, chat, "resolved").status_code == 302
    chat.refresh_from_db()
    assert chat.status == "resolved"
