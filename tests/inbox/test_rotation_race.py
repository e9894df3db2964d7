"""The rotator under concurrency (MariaDB): two chats rotated at once cannot both take an agent's last free place,
and one chat rotated twice at once is assigned once. The workspace's settings row is the lock (select_for_update);
the chat is taken by a conditional UPDATE."""
import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from devices.models import Device, WahaServer
from inbox import rotation
from inbox.models import AgentAvailability, Chat, ChatEvent
from inbox.services import settings_for
from tests.factories import MembershipFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # SQLite serialises writers at BEGIN (IMMEDIATE), and its in-memory shared-cache test database answers a second
    # writer "table is locked" instead of waiting: the race needs concurrent writers.
    pytest.mark.skipif(connection.vendor == "sqlite", reason="needs concurrent writers (MariaDB)"),
]


@pytest.fixture
def setup(workspace):
    row = settings_for(workspace)
    row.cs_rotator_enabled = True
    row.save()
    ana = MembershipFactory(workspace=workspace, role="agent", is_online=True, last_seen_at=timezone.now())
    AgentAvailability.objects.create(workspace=workspace, membership=ana, capacity=1)
    server = WahaServer.objects.create(name="race", base_url="http://127.0.0.1:9")
    device = Device.objects.create(workspace=workspace, session_name="race-1", server=server,
                                   status=Device.Status.CONNECTED)
    chats = [Chat.objects.create(workspace=workspace, device=device, phone=f"62812000000{n}",
                                 awaiting_agent_since=timezone.now()) for n in (1, 2)]
    return ana, chats


def _race(first_chat, second_chat):
    """The first rotation holds its transaction open; the second starts meanwhile. Returns (second still waiting
    on the first after half a second, outcomes)."""
    holding, release, outcome = threading.Event(), threading.Event(), {}

    def first():
        try:
            with transaction.atomic():
                outcome["first"] = rotation.chat_rotate(chat=Chat.objects.get(pk=first_chat.pk))
                holding.set()
                release.wait(10)
        finally:
            connection.close()

    def second():
        try:
            outcome["second"] = rotation.chat_rotate(chat=Chat.objects.get(pk=second_chat.pk))
        finally:
            connection.close()

    one = threading.Thread(target=first)
    one.start()
    assert holding.wait(10)
    two = threading.Thread(target=second)
    two.start()
    two.join(0.5)  # without the lock the second would have read a load of 0 and assigned by now
    waited = two.is_alive()
    release.set()
    one.join(10)
    two.join(10)
    return waited, outcome


def test_two_chats_at_once_cannot_both_take_the_last_place(setup):
    ana, (chat1, chat2) = setup
    waited, outcome = _race(chat1, chat2)
    assert waited
    assert outcome == {"first": ana.user_id, "second": None}
    assert Chat.objects.filter(assigned_to=ana.user).count() == 1


def test_one_chat_rotated_twice_at_once_is_assigned_once(setup):
    ana, (chat1, _chat2) = setup
    AgentAvailability.objects.filter(membership=ana).update(capacity=0)
    waited, outcome = _race(chat1, chat1)
    assert waited and outcome == {"first": ana.user_id, "second": None}
    assert ChatEvent.objects.filter(chat=chat1, kind="assigned").count() == 1
