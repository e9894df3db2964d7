"""Labels, private notes with @mentions, and the assignment history (#16): owners manage the workspace's coloured
labels and anyone in the inbox puts them on chats they see; notes stay in Sebar (WAHA never hears of them) and
put the chat in the mentioned teammates' Mentions list; every assignment (by a person, by answering, by the
rotator) is a line in the conversation. Another workspace's labels and chats are 404; agents cannot manage labels."""
import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from inbox.models import Chat, ChatEvent, ChatMention, Label
from inbox.notes import note_add
from inbox.services import settings_for
from tests.inbox.conftest import envelope

pytestmark = pytest.mark.django_db

CUSTOMER = "628123456789"


@pytest.fixture
def chat(device, deliver, waha):
    deliver(device, envelope("halo"))
    return Chat.objects.get()


# ---------------------------------------------------------------- labels


def test_owner_creates_renames_and_deletes_labels(owner_client, workspace):
    assert owner_client.post(reverse("inbox:label_create"), {"name": "VIP", "colour": "purple"}).status_code == 302
    label = Label.objects.get()
    assert (label.workspace, label.name, label.colour) == (workspace, "VIP", "purple")
    again = owner_client.post(reverse("inbox:label_create"), {"name": "VIP", "colour": "red"})
    assert again.status_code == 200 and "already exists" in again.content.decode()
    bad = owner_client.post(reverse("inbox:label_create"), {"name": "Hot", "colour": "#ff0000"})
    assert bad.status_code == 200 and Label.objects.count() == 1
    owner_client.post(reverse("inbox:label_edit", args=[label.pk]), {"name": "VVIP", "colour": "pink"})
    label.refresh_from_db()
    assert (label.name, label.colour) == ("VVIP", "pink")
    page = owner_client.get(reverse("inbox:labels")).content.decode()
    assert 'class="label-chip label-pink"' in page and "style=" not in page.split("<main", 1)[-1]
    owner_client.post(reverse("inbox:label_delete", args=[label.pk]))
    assert not Label.objects.exists()


def test_labels_on_a_chat_and_the_filter(chat, owner_client, agent_client, workspace, device, deliver):
    vip = Label.objects.create(workspace=workspace, name="VIP", colour="purple")
    hot = Label.objects.create(workspace=workspace, name="Hot", colour="red")
    assert agent_client.post(reverse("inbox:chat_labels", args=[chat.pk]), {"labels": [vip.pk, hot.pk]}).status_code \
        == 302
    assert set(chat.labels.values_list("name", flat=True)) == {"VIP", "Hot"}
    deliver(device, envelope("hi", frm="628120000009@c.us"))
    listed = owner_client.get(reverse("inbox:index") + f"?label={vip.pk}").context["chats"]
    assert [c.pk for c in listed] == [chat.pk]
    assert 'label-chip label-purple' in owner_client.get(reverse("inbox:chat", args=[chat.pk])).content.decode()
    owner_client.post(reverse("inbox:chat_labels", args=[chat.pk]), {"labels": [hot.pk]})
    assert list(chat.labels.values_list("name", flat=True)) == ["Hot"]


def test_labels_api(owner_api, agent_api, chat, workspace):
    made = owner_api.post("/api/labels", {"name": "Complaint", "colour": "orange"}, format="json")
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert agent_api.get("/api/labels").json()["results"][0]["name"] == "Complaint"
    assert agent_api.post("/api/labels", {"name": "X", "colour": "red"}, format="json").status_code == 403
    assert agent_api.patch(f"/api/labels/{pk}", {"colour": "red"}, format="json").status_code == 403
    assert owner_api.patch(f"/api/labels/{pk}", {"colour": "blue"}, format="json").json()["colour"] == "blue"
    put = agent_api.post(f"/api/chats/{CUSTOMER}/labels", {"labels": [pk]}, format="json")
    assert put.status_code == 200 and put.json()["labels"] == [{"id": pk, "name": "Complaint", "colour": "blue"}]
    assert owner_api.delete(f"/api/labels/{pk}").status_code == 204
    assert owner_api.get("/api/chats").json()["results"][0]["labels"] == []


def test_labels_stay_in_their_workspace(chat, owner_client, outsider_client, outsider_api, other_workspace,
                                        agent_client, owner_api, workspace):
    mine = Label.objects.create(workspace=workspace, name="VIP")
    theirs = Label.objects.create(workspace=other_workspace, name="Theirs")
    assert owner_client.post(reverse("inbox:chat_labels", args=[chat.pk]), {"labels": [theirs.pk]}).status_code == 302
    assert not chat.labels.exists()
    assert owner_api.post(f"/api/chats/{CUSTOMER}/labels", {"labels": [theirs.pk]}, format="json").status_code == 400
    assert outsider_client.post(reverse("inbox:label_delete", args=[mine.pk])).status_code == 404
    assert outsider_client.post(reverse("inbox:chat_labels", args=[chat.pk]), {"labels": [mine.pk]}).status_code \
        == 404
    assert outsider_api.get(f"/api/labels/{mine.pk}").status_code == 404
    assert agent_client.post(reverse("inbox:label_delete", args=[mine.pk])).status_code == 403
    assert agent_client.post(reverse("inbox:label_create"), {"name": "A", "colour": "red"}).status_code == 403
    assert Label.objects.filter(pk=mine.pk).exists()
    assert "Theirs" not in owner_client.get(reverse("inbox:labels")).content.decode()


# ---------------------------------------------------------------- notes and mentions


def test_a_note_never_reaches_whatsapp(chat, owner_client, waha, django_capture_on_commit_callbacks):
    calls_before = len(waha.calls)
    with django_capture_on_commit_callbacks(execute=True):
        answer = owner_client.post(reverse("inbox:chat_note", args=[chat.pk]), {"text": "Pelanggan lama, kasih diskon"},
                                   HTTP_HX_REQUEST="true")
    assert answer.status_code == 200
    assert len(waha.calls) == calls_before  # not sent, not even seen/typing
    note = ChatEvent.objects.get(kind="note")
    assert note.text == "Pelanggan lama, kasih diskon" and note.author.email == "alice@example.com"
    assert 'data-testid="note"' in answer.content.decode() and "kasih diskon" in answer.content.decode()
    chat.refresh_from_db()
    assert chat.last_message_preview == "halo"  # the list shows the conversation, not the note


def test_mentions_reach_the_teammates_list(chat, owner_client, agent_client, agent, owner, agent_api):
    owner_client.post(reverse("inbox:chat_note", args=[chat.pk]), {"text": "@bob tolong cek stok, cc @Alice"})
    note = ChatEvent.objects.get(kind="note")
    mentions = {m.user_id: m.seen_at for m in ChatMention.objects.filter(event=note)}
    assert set(mentions) == {agent.pk, owner.pk}
    assert mentions[owner.pk] is not None  # mentioning oneself is read already
    page = agent_client.get(reverse("inbox:index"))
    assert {t["key"]: t["count"] for t in page.context["status_tabs"]}["mentions"] == 1
    mentioned = agent_client.get(reverse("inbox:index") + "?mentions=1").context["chats"]
    assert [c.pk for c in mentioned] == [chat.pk]
    assert agent_api.get("/api/chats?mentions=1").json()["results"][0]["id"] == chat.pk
    agent_client.get(reverse("inbox:chat", args=[chat.pk]))  # opening it reads the mention
    page = agent_client.get(reverse("inbox:index"))
    assert {t["key"]: t["count"] for t in page.context["status_tabs"]}["mentions"] == 0
    assert [c.pk for c in agent_client.get(reverse("inbox:index") + "?mentions=1").context["chats"]] == [chat.pk]


def test_no_mention_of_strangers(chat, owner, outsider, owner_api):
    note = note_add(chat=chat, author=owner, text="@charlie lihat ini")
    assert not note.mentions.exists()
    answer = owner_api.post(f"/api/chats/{CUSTOMER}/notes", {"text": "lihat", "mentions": [outsider.pk]},
                            format="json")
    assert answer.status_code == 400 and "mentions" in answer.json()["fields"]


def test_notes_api(owner_api, agent_api, agent, chat):
    made = owner_api.post(f"/api/chats/{CUSTOMER}/notes", {"text": "cek dulu", "mentions": [agent.pk]}, format="json")
    assert made.status_code == 201, made.content
    assert made.json()["mentioned"] == [agent.pk]
    assert agent_api.get(f"/api/chats/{CUSTOMER}/notes").json()["results"][0]["text"] == "cek dulu"
    assert owner_api.post(f"/api/chats/{CUSTOMER}/notes", {"text": ""}, format="json").status_code == 400


def test_notes_stay_in_their_workspace(chat, outsider_client, outsider_api, agent_client, owner):
    assert outsider_client.post(reverse("inbox:chat_note", args=[chat.pk]), {"text": "x"}).status_code == 404
    assert outsider_api.post(f"/api/chats/{CUSTOMER}/notes", {"text": "x"}, format="json").status_code == 404
    assert outsider_api.get(f"/api/chats/{CUSTOMER}/notes").status_code == 404
    Chat.objects.filter(pk=chat.pk).update(assigned_to=owner)
    assert agent_client.post(reverse("inbox:chat_note", args=[chat.pk]), {"text": "x"}).status_code == 404
    assert not ChatEvent.objects.filter(kind="note").exists()


# ---------------------------------------------------------------- assignment history


def test_assignment_history(chat, owner_client, agent, owner, agent_client, device, deliver, waha,
                            django_capture_on_commit_callbacks):
    owner_client.post(reverse("inbox:chat_assign", args=[chat.pk]), {"user": agent.pk})
    owner_client.post(reverse("inbox:chat_assign", args=[chat.pk]), {"user": agent.pk})  # no change: no line
    owner_client.post(reverse("inbox:chat_assign", args=[chat.pk]), {"user": ""})
    with django_capture_on_commit_callbacks(execute=True):
        agent_client.post(reverse("inbox:chat_send", args=[chat.pk]), {"text": "Saya bantu"})  # takes it
    lines = [(e.author_id, e.assigned_to_id) for e in ChatEvent.objects.filter(kind="assigned").order_by("pk")]
    assert lines == [(owner.pk, agent.pk), (owner.pk, None), (agent.pk, agent.pk)]
    page = owner_client.get(reverse("inbox:chat", args=[chat.pk])).content.decode()
    assert "Alice assigned this chat to Bob" in page and "Alice unassigned this chat" in page
    assert page.count('data-testid="history"') == 3


def test_the_rotator_is_in_the_history(device, deliver, agent, waha):
    settings_row = settings_for(device.workspace)
    settings_row.cs_rotator_enabled = True
    settings_row.save()
    # Present: the Online toggle and a recent heartbeat (inbox.rotation).
    Membership.objects.filter(user=agent).update(is_online=True, last_seen_at=timezone.now())
    deliver(device, envelope("halo", frm="628120000001@c.us"))
    line = ChatEvent.objects.get(kind="assigned")
    assert line.author is None and line.assigned_to == agent
