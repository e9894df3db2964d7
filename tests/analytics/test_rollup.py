"""Roll-ups equal a recount from the raw rows: a mixed day in Jakarta driven through the real ack and reply
services (a read and a reply arriving after midnight for sends of the day before, a failed ack, a send just
after midnight), inbox messages and contacts on both sides of the UTC and the local midnight, the job run twice
and interrupted half-way."""
from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from analytics import rollup
from analytics.models import DailyStat, DirtyDay
from campaigns import services
from campaigns.models import Recipient
from contacts.models import Contact
from inbox.models import Chat, Message

pytestmark = pytest.mark.django_db

JKT = ZoneInfo("Asia/Jakarta")
D = date(2025, 3, 10)


def at(day, hour, minute=0):
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=JKT)


def envelope(event, payload):
    return {"id": "evt", "event": event, "session": "s", "payload": payload}


def ack(device, short_id, n):
    return services.recipient_ack_apply(device=device, event=envelope("message.ack", {
        "id": f"true_1@c.us_{short_id}", "fromMe": True, "ack": n}))


def reply(device, phone):
    return services.recipient_reply_apply(device=device, event=envelope("message", {
        "id": f"false_{phone}@c.us_R{phone}", "fromMe": False, "from": f"{phone}@c.us", "body": "Mau"}))


def in_flight(campaign, device, phone):
    """A row the engine claimed and sent; its SERVER ack (1) settles it as SENT now, as after a lost answer."""
    return Recipient.objects.create(workspace=campaign.workspace, campaign=campaign, phone=phone, text="Halo",
                                    device_used=device, status=Recipient.Status.SENDING, waha_short_id=f"S{phone}",
                                    attempted_at=timezone.now())


def recount(workspace):
    """The figures counted from the raw rows in plain Python, independently of analytics/rollup.py."""
    zone = workspace.zone
    counts = Counter()
    for r in Recipient.objects.filter(workspace=workspace, sent_at__isnull=False):
        key = (r.sent_at.astimezone(zone).date(), r.device_used_id or 0)
        if r.status in ("SENT", "DELIVERED", "READ"):
            counts[key + ("sent",)] += 1
        if r.status in ("DELIVERED", "READ"):
            counts[key + ("delivered",)] += 1
        if r.status == "READ":
            counts[key + ("read",)] += 1
        if r.replied_at:
            counts[key + ("replied",)] += 1
    for m in Message.objects.filter(workspace=workspace):
        metric = "inbound" if m.direction == "in" else "outbound"
        counts[(m.created_at.astimezone(zone).date(), m.device_id, metric)] += 1
    for c in Contact.objects.filter(workspace=workspace):
        counts[(c.created_at.astimezone(zone).date(), 0, "new_contacts")] += 1
    return {key: n for key, n in counts.items() if n}


def stored(workspace):
    return {(s.day, s.device_key, s.metric): s.value for s in DailyStat.objects.filter(workspace=workspace)}


def value(workspace, day, metric, device=None):
    return sum(DailyStat.objects.filter(workspace=workspace, day=day, metric=metric,
                                        **({"device_key": device.pk} if device else {}))
               .values_list("value", flat=True))


def message(chat, when_direction):
    return Message.objects.create(workspace=chat.workspace, chat=chat, device=chat.device, direction=when_direction,
                                  sender="customer" if when_direction == "in" else "agent", text="x",
                                  timestamp=chat.created_at)


@pytest.fixture
def mixed_day(jakarta, numbers, campaign):
    one, two = numbers
    with time_machine.travel(at(D - timedelta(days=1), 23, 59), tick=False):
        Contact.objects.create(workspace=jakarta, phone="628120000001", name="late yesterday")
    with time_machine.travel(at(D, 6, 30), tick=False):  # still the 9th in UTC
        Contact.objects.create(workspace=jakarta, phone="628120000002", name="early today")
        chat = Chat.objects.create(workspace=jakarta, device=one, phone="628120000002")
        message(chat, "in")
    with time_machine.travel(at(D, 10), tick=False):
        morning = [in_flight(campaign, one, f"62812100{i:02d}") for i in range(5)]
        morning += [in_flight(campaign, two, f"62812200{i:02d}") for i in range(3)]
        for row in morning:
            ack(row.device_used, row.waha_short_id, 1)
        for row in morning[:4]:
            ack(row.device_used, row.waha_short_id, 2)
        ack(one, morning[0].waha_short_id, 3)
        ack(two, morning[7].waha_short_id, -1)  # failed after all: not a send
        message(chat, "out")
    with time_machine.travel(at(D, 23, 50), tick=False):
        evening = [in_flight(campaign, one, f"62812300{i:02d}") for i in range(2)]
        for row in evening:
            ack(one, row.waha_short_id, 1)
    return jakarta, one, two, morning, evening, chat


def test_the_rollup_equals_a_recount_with_late_acks_in_the_day_of_the_send(mixed_day):
    workspace, one, two, morning, evening, chat = mixed_day
    with time_machine.travel(at(D, 23, 57), tick=False):
        rollup.rollup_pending()
    with time_machine.travel(at(D, 23, 59), tick=False):
        rollup.rollup_pending()
    assert value(workspace, D, "read", one) == 1
    assert not DirtyDay.objects.exists()  # the 10th is settled: only the late events below can reopen it
    # After midnight: a read and a reply for last night's send, a send of the new day, a message of the new day.
    with time_machine.travel(at(D + timedelta(days=1), 0, 10), tick=False):
        ack(one, evening[0].waha_short_id, 3)
        assert reply(one, evening[1].phone) == 1
        ack(one, in_flight(workspace_campaign(morning), one, "6281240000").waha_short_id, 1)
        message(chat, "in")
    with time_machine.travel(at(D + timedelta(days=1), 0, 40), tick=False):
        rollup.rollup_pending()
    assert value(workspace, D, "read", one) == 2  # the late read counts on the 10th, the day it was sent
    assert value(workspace, D, "replied", one) == 1
    assert value(workspace, D + timedelta(days=1), "read") == 0
    assert value(workspace, D + timedelta(days=1), "sent", one) == 1
    assert value(workspace, D, "sent", one) == 7 and value(workspace, D, "sent", two) == 2
    assert value(workspace, D, "delivered") == 5  # 4 DEVICE acks, then one read straight from SENT
    assert value(workspace, D, "new_contacts") == 1 and value(workspace, D - timedelta(days=1), "new_contacts") == 1
    assert value(workspace, D, "inbound", one) == 1 and value(workspace, D, "outbound", one) == 1
    assert value(workspace, D + timedelta(days=1), "inbound", one) == 1
    assert stored(workspace) == recount(workspace)


def workspace_campaign(rows):
    return rows[0].campaign


def test_running_twice_or_after_an_interruption_never_counts_twice(mixed_day, monkeypatch):
    workspace, *_rest = mixed_day
    later = at(D + timedelta(days=1), 1)
    real = rollup.day_recount
    calls = []

    def dies_on_the_second_day(**kwargs):
        calls.append(kwargs["day"])
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        return real(**kwargs)

    monkeypatch.setattr(rollup, "day_recount", dies_on_the_second_day)
    with time_machine.travel(later, tick=False), pytest.raises(RuntimeError):
        rollup.rollup_pending()
    assert DirtyDay.objects.filter(workspace=workspace).count() >= 1  # what was not written stays marked
    monkeypatch.setattr(rollup, "day_recount", real)
    with time_machine.travel(later + timedelta(minutes=5), tick=False):
        rollup.rollup_pending()
        first = stored(workspace)
        rollup.rollup_pending()
    with time_machine.travel(later + timedelta(minutes=10), tick=False):
        rollup.rollup_pending()
    assert stored(workspace) == first == recount(workspace)
    assert not DirtyDay.objects.filter(workspace=workspace).exists()


def test_a_mark_made_during_a_recount_survives_it(jakarta, numbers):
    one, _two = numbers
    now = at(D, 12)
    DirtyDay.objects.create(workspace=jakarta, day=D, marked_at=now - timedelta(minutes=5))
    real = rollup.day_recount

    def marks_meanwhile(**kwargs):
        result = real(**kwargs)
        DirtyDay.objects.filter(workspace=jakarta, day=D).update(marked_at=now + timedelta(seconds=1))
        return result

    rollup.day_recount, saved = marks_meanwhile, rollup.day_recount
    try:
        with time_machine.travel(now, tick=False):
            rollup.rollup_pending()
    finally:
        rollup.day_recount = saved
    assert DirtyDay.objects.filter(workspace=jakarta, day=D).exists()


def test_days_follow_the_workspace_time_zone(jakarta, other_workspace, numbers, campaign):
    """One instant, 2025-03-10 18:30 UTC: the 11th in Jakarta (01:30), the 10th in UTC."""
    other_workspace.time_zone = "UTC"
    other_workspace.save(update_fields=["time_zone"])
    instant = datetime(2025, 3, 10, 18, 30, tzinfo=ZoneInfo("UTC"))
    with time_machine.travel(instant, tick=False):
        Contact.objects.create(workspace=jakarta, phone="628120000009")
        Contact.objects.create(workspace=other_workspace, phone="628120000009")
        row = in_flight(campaign, numbers[0], "6281250000")
        ack(numbers[0], row.waha_short_id, 1)
    with time_machine.travel(instant + timedelta(minutes=10), tick=False):
        rollup.rollup_pending()
    assert value(jakarta, date(2025, 3, 11), "new_contacts") == 1
    assert value(jakarta, date(2025, 3, 11), "sent") == 1
    assert value(jakarta, date(2025, 3, 10), "sent") == 0
    assert value(other_workspace, date(2025, 3, 10), "new_contacts") == 1
    assert value(other_workspace, date(2025, 3, 11), "new_contacts") == 0


def test_a_day_bound_is_local_midnight(jakarta):
    start, end = rollup.day_bounds(D, jakarta.zone)
    assert start.astimezone(ZoneInfo("UTC")) == datetime(2025, 3, 9, 17, tzinfo=ZoneInfo("UTC"))
    assert end - start == timedelta(days=1)


def test_the_rebuild_command_recounts_existing_rows(jakarta, numbers, campaign):
    from django.core.management import call_command

    with time_machine.travel(at(D, 9), tick=False):
        Recipient.objects.create(workspace=jakarta, campaign=campaign, phone="6281260000", device_used=numbers[1],
                                 status=Recipient.Status.READ, sent_at=at(D, 9), delivered_at=at(D, 9),
                                 read_at=at(D, 9))  # written before analytics existed: no mark
    with time_machine.travel(at(D, 20), tick=False):
        rollup.rollup_pending()
        assert value(jakarta, D, "read") == 0
        call_command("analytics_rebuild", "--days", "3", stdout=open("/dev/null", "w"))
    assert value(jakarta, D, "read", numbers[1]) == 1
