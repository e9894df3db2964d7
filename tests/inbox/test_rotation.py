"""The CS rotator (#16): a new chat goes only to an agent who is present (Online and a recent heartbeat), inside
their working hours and under their open-chat capacity; when nobody qualifies it waits unassigned (with the
optional "we will reply soon" message) and is assigned when someone becomes free: on resolving, on going online,
and by the beat. Each chat is assigned once, however often the sweep runs. Page and API for owners."""
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from inbox import hours, rotation
from inbox.chat_status import chat_status_set
from inbox.models import AgentAvailability, Chat, ChatEvent, Message
from inbox.services import settings_for
from inbox.tasks import chats_assign_waiting_task
from tests.factories import MembershipFactory, UserFactory
from tests.inbox.conftest import envelope, sent_texts

pytestmark = pytest.mark.django_db

MONDAY_10 = datetime(2026, 5, 4, 3, 0, tzinfo=UTC)  # Monday 10:00 in Jakarta


@pytest.fixture
def team(device, owner):
    """The rotator on; the owner away; two agents present, Ana (lower id) and Bayu."""
    workspace = device.workspace
    workspace.time_zone = "Asia/Jakarta"
    workspace.save(update_fields=["time_zone"])
    row = settings_for(workspace)
    row.cs_rotator_enabled = True
    row.save()
    now = timezone.now()
    ana = MembershipFactory(workspace=workspace, role="agent", is_online=True, last_seen_at=now,
                            user=UserFactory(email="ana@example.com"))
    bayu = MembershipFactory(workspace=workspace, role="agent", is_online=True, last_seen_at=now,
                             user=UserFactory(email="bayu@example.com"))
    Membership.objects.filter(user=owner).update(is_online=False)
    return ana, bayu


def _write(device, deliver, n):
    deliver(device, envelope("halo", frm=f"6281200000{n:02d}@c.us"))
    return Chat.objects.get(phone=f"6281200000{n:02d}")


def test_only_present_agents_get_chats(device, deliver, waha, team):
    ana, bayu = team
    Membership.objects.filter(pk=ana.pk).update(last_seen_at=timezone.now() - timedelta(minutes=30))  # tab closed
    Membership.objects.filter(pk=bayu.pk).update(is_online=False)  # toggled Offline
    chat = _write(device, deliver, 1)
    assert chat.assigned_to_id is None and chat.awaiting_agent_since is not None
    assert not ChatEvent.objects.filter(kind="assigned").exists()


def test_capacity_sends_the_chat_to_the_next_free_agent(device, deliver, waha, team):
    ana, bayu = team
    AgentAvailability.objects.create(workspace=device.workspace, membership=ana, capacity=1)
    AgentAvailability.objects.create(workspace=device.workspace, membership=bayu, capacity=2)
    assigned = [_write(device, deliver, n).assigned_to_id for n in range(1, 5)]
    assert assigned == [ana.user_id, bayu.user_id, bayu.user_id, None]
    assert Chat.objects.get(phone="628120000004").awaiting_agent_since is not None


def test_only_open_chats_count_for_capacity(device, deliver, waha, team, owner):
    ana, bayu = team
    Membership.objects.filter(pk=bayu.pk).update(is_online=False)
    AgentAvailability.objects.create(workspace=device.workspace, membership=ana, capacity=1)
    first = _write(device, deliver, 1)
    chat_status_set(chat=first, status="pending", actor=owner)
    assert _write(device, deliver, 2).assigned_to_id == ana.user_id


@time_machine.travel(MONDAY_10, tick=False)
def test_own_working_hours_decide(device, deliver, waha, team):
    ana, bayu = team
    evening = [["18:00", "23:00"]] * 7
    rotation.agent_availability_set(membership=ana, capacity=0, week=evening)
    assert _write(device, deliver, 1).assigned_to_id == bayu.user_id
    # Without own hours an agent follows the workspace's: closed now, so Bayu gets nothing either.
    hours.business_hours_update(workspace=device.workspace, enabled=True, week=evening)
    assert _write(device, deliver, 2).assigned_to_id is None


def test_a_waiting_chat_gets_the_we_will_reply_soon_message_once(device, deliver, waha, team):
    ana, bayu = team
    Membership.objects.filter(pk__in=[ana.pk, bayu.pk]).update(is_online=False)
    hours.business_hours_update(workspace=device.workspace, waiting_message="Sebentar ya [name|Kak], tim kami "
                                                                             "segera membalas.")
    _write(device, deliver, 1)
    deliver(device, envelope("halo?", frm="628120000001@c.us"))
    assert sent_texts(waha) == ["Sebentar ya Budi, tim kami segera membalas."]
    assert Message.objects.get(reply_source="waiting").sender == "bot"


def test_no_waiting_message_while_closed(device, deliver, waha, team):
    ana, bayu = team
    Membership.objects.filter(pk__in=[ana.pk, bayu.pk]).update(is_online=False)
    hours.business_hours_update(workspace=device.workspace, enabled=True, week=[None] * 7,
                                waiting_message="Sebentar ya")
    _write(device, deliver, 1)
    assert sent_texts(waha) == []


def test_resolving_frees_a_place_for_a_waiting_chat(device, deliver, waha, team, owner):
    ana, bayu = team
    Membership.objects.filter(pk=bayu.pk).update(is_online=False)
    AgentAvailability.objects.create(workspace=device.workspace, membership=ana, capacity=1)
    first = _write(device, deliver, 1)
    waiting = _write(device, deliver, 2)
    assert first.assigned_to_id == ana.user_id and waiting.assigned_to_id is None
    chat_status_set(chat=first, status="resolved", actor=ana.user)
    waiting.refresh_from_db()
    assert waiting.assigned_to_id == ana.user_id and waiting.awaiting_agent_since is None
    assert ChatEvent.objects.filter(chat=waiting, kind="assigned", author__isnull=True).count() == 1


def test_going_online_takes_the_waiting_chats(device, deliver, waha, team, agent_client, agent):
    ana, bayu = team
    Membership.objects.filter(pk__in=[ana.pk, bayu.pk]).update(is_online=False)
    waiting = _write(device, deliver, 1)
    assert agent_client.post(reverse("inbox:online"), {"online": "1"}).status_code == 302
    waiting.refresh_from_db()
    assert waiting.assigned_to == agent


def test_a_heartbeat_after_being_away_takes_the_waiting_chats(device, deliver, waha, team):
    ana, bayu = team
    Membership.objects.filter(pk__in=[ana.pk, bayu.pk]).update(last_seen_at=timezone.now() - timedelta(hours=1))
    waiting = _write(device, deliver, 1)
    assert waiting.assigned_to_id is None
    assert rotation.presence_heartbeat(membership=Membership.objects.get(pk=bayu.pk))
    waiting.refresh_from_db()
    assert waiting.assigned_to_id == bayu.user_id
    # A second heartbeat within the minute writes nothing.
    assert not rotation.presence_heartbeat(membership=Membership.objects.get(pk=bayu.pk))


def test_the_beat_assigns_when_working_hours_begin_and_only_once(device, deliver, waha, team):
    ana, bayu = team
    Membership.objects.filter(pk=bayu.pk).update(is_online=False)
    rotation.agent_availability_set(membership=ana, capacity=0, week=[["10:00", "18:00"]] * 7)
    with time_machine.travel(MONDAY_10 - timedelta(minutes=30), tick=False):
        Membership.objects.filter(pk=ana.pk).update(last_seen_at=timezone.now())
        waiting = _write(device, deliver, 1)
        assert waiting.assigned_to_id is None
        chats_assign_waiting_task()
        assert Chat.objects.get(pk=waiting.pk).assigned_to_id is None
    with time_machine.travel(MONDAY_10 + timedelta(minutes=1), tick=False):
        Membership.objects.filter(pk=ana.pk).update(last_seen_at=timezone.now())
        chats_assign_waiting_task()
        chats_assign_waiting_task()
    waiting.refresh_from_db()
    assert waiting.assigned_to_id == ana.user_id
    assert ChatEvent.objects.filter(chat=waiting, kind="assigned").count() == 1


def test_a_chat_taken_meanwhile_is_not_given_again(device, deliver, waha, team, owner):
    ana, bayu = team
    Membership.objects.filter(pk__in=[ana.pk, bayu.pk]).update(is_online=False)
    waiting = _write(device, deliver, 1)
    Chat.objects.filter(pk=waiting.pk).update(assigned_to=owner)  # someone took it by hand
    Membership.objects.filter(pk=ana.pk).update(is_online=True)
    assert rotation.chat_rotate(chat=Chat.objects.get(pk=waiting.pk)) is None
    assert rotation.chats_assign_waiting(workspace=device.workspace) == 0
    assert Chat.objects.get(pk=waiting.pk).assigned_to == owner


def test_waiting_chats_of_another_workspace_stay_there(device, deliver, waha, team, other_workspace):
    from devices.models import Device

    ana, bayu = team
    other_device = Device.objects.create(workspace=other_workspace, session_name="bravo-1", server=device.server,
                                         status="CONNECTED")
    row = settings_for(other_workspace)
    row.cs_rotator_enabled = True
    row.save()
    deliver(other_device, {**envelope("halo"), "session": "bravo-1"})
    theirs = Chat.objects.get(workspace=other_workspace)
    assert theirs.assigned_to_id is None and theirs.awaiting_agent_since is not None
    rotation.chats_assign_waiting(workspace=device.workspace)
    chats_assign_waiting_task()
    theirs.refresh_from_db()
    assert theirs.assigned_to_id is None  # Ana and Bayu are not members there


# ---------------------------------------------------------------- page and API


def test_owner_sets_an_agents_capacity_and_hours(owner_client, team):
    ana, _bayu = team
    url = reverse("inbox:agent_availability", args=[ana.pk])
    assert owner_client.get(url).status_code == 200
    data = {"capacity": "3", "own_hours": "on", "open_0": "on", "opens_0": "08:00", "closes_0": "12:00"}
    assert owner_client.post(url, data).status_code == 302
    row = AgentAvailability.objects.get(membership=ana)
    assert row.capacity == 3 and row.week == [["08:00", "12:00"]] + [None] * 6
    page = owner_client.get(reverse("inbox:business_hours")).content.decode()
    assert (ana.user.get_full_name() or ana.user.email) in page and "0 / 3" in page


def test_agents_cannot_set_capacity(agent_client, agent_api, agent, team):
    ana, _bayu = team
    assert agent_client.post(reverse("inbox:agent_availability", args=[ana.pk]), {"capacity": "99"}).status_code == 403
    assert agent_api.patch(f"/api/agents/{ana.pk}/availability", {"capacity": 99}, format="json").status_code == 403
    assert agent_api.get("/api/agents/availability").status_code == 403
    assert not AgentAvailability.objects.filter(capacity=99).exists()


def test_availability_api(owner_api, team, outsider_api):
    ana, _bayu = team
    response = owner_api.patch(f"/api/agents/{ana.pk}/availability",
                               {"capacity": 5, "week": [["09:00", "17:00"]] * 5 + [None, None]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["capacity"] == 5 and response.json()["present"] is True
    listed = {a["email"]: a for a in owner_api.get("/api/agents/availability").json()}
    assert listed["ana@example.com"]["capacity"] == 5 and "bayu@example.com" in listed
    assert outsider_api.get(f"/api/agents/{ana.pk}/availability").status_code == 404
    assert outsider_api.patch(f"/api/agents/{ana.pk}/availability", {"capacity": 1}, format="json").status_code == 404
    assert AgentAvailability.objects.get(membership=ana).capacity == 5


def test_a_chat_assigned_by_hand_stops_waiting(device, deliver, waha, team, owner):
    from inbox.services import chat_assign

    ana, bayu = team
    Membership.objects.filter(pk__in=[ana.pk, bayu.pk]).update(is_online=False)
    waiting = _write(device, deliver, 1)
    chat_assign(chat=waiting, user_id=bayu.user_id, actor=owner)
    chat_assign(chat=waiting, user_id=None, actor=owner)  # and unassigned again: the owner's choice stays
    Membership.objects.filter(pk=ana.pk).update(is_online=True)
    assert rotation.chats_assign_waiting(workspace=device.workspace) == 0
    assert Chat.objects.get(pk=waiting.pk).assigned_to_id is None


def test_presence_api_is_a_heartbeat_and_the_toggle(device, deliver, waha, team, agent_api, agent, outsider_api):
    ana, bayu = team
    Membership.objects.filter(pk__in=[ana.pk, bayu.pk]).update(is_online=False)
    waiting = _write(device, deliver, 1)
    before = agent_api.get("/api/presence").json()
    assert before["online"] is False and before["present"] is False and before["last_seen_at"]
    response = agent_api.post("/api/presence", {"online": True}, format="json")
    assert response.status_code == 200 and response.json()["present"] is True
    waiting.refresh_from_db()
    assert waiting.assigned_to == agent  # going online took the waiting chat
    # Another workspace's member toggles only themselves.
    outsider_api.post("/api/presence", {"online": False}, format="json")
    assert Membership.objects.get(user=agent).is_online
