"""Send API messages go through the one sending path: the engine claims, paces and sends them through WAHA (the
emulator), in virtual time (EngineDriver); send_at, the number asked for, quiet hours and the transactional kind
are obeyed; acks move them on and tell message.status webhooks; the message joins the person's inbox chat."""
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from campaigns import api_messages, engine, services
from campaigns.models import Campaign, Recipient
from common.events import event_emitted
from devices.dispatch import dispatch

from .helpers import sent_to, start

pytestmark = pytest.mark.django_db


def send(driver, workspace, **kwargs):
    message, created = driver.call(api_messages.api_message_send, workspace=workspace, **kwargs)
    assert created
    return message


def row(message):
    return Recipient.objects.get(pk=message.recipient_id)


def state(message):
    return api_messages.api_message_state(api_messages.api_message_get(message.workspace, message.public_id))


@pytest.fixture
def told():
    events = []

    def listen(sender, name, workspace_id, data, **kwargs):
        events.append((name, data))

    event_emitted.connect(listen)
    yield events
    event_emitted.disconnect(listen)


@pytest.fixture
def fast_api(monkeypatch, driver, workspace):
    """The API campaigns with no delays, like the helpers' broadcasts (the pacing itself is test_engine's), at
    10:00 in the workspace (the API campaign keeps quiet hours at night)."""
    driver.traveller.move_to(_at_local(workspace, 10))
    real = api_messages.api_campaign

    def fast(workspace, *, transactional):
        campaign = real(workspace, transactional=transactional)
        Campaign.objects.filter(pk=campaign.pk).update(delay_min=0, delay_max=0, typing_simulation=False)
        campaign.refresh_from_db()
        return campaign

    monkeypatch.setattr(api_messages, "api_campaign", fast)


def test_a_message_is_sent_acked_and_told(driver, waha, workspace, make_device, told, fast_api):
    device = make_device(workspace)
    message = send(driver, workspace, to="0812-3456-7890", text="Pesanan #7 dikirim")
    driver.run(until=timezone.now() + timedelta(seconds=30))
    assert sent_to(waha) == ["6281234567890"] and waha.sent()[0]["text"] == "Pesanan #7 dikirim"
    sent = row(message)
    assert sent.status == Recipient.Status.SENT and sent.device_used == device
    assert state(message)["status"] == "sent"
    status_events = [data for name, data in told if name == "message.status"]
    assert status_events[-1]["id"] == str(message.public_id) and status_events[-1]["source"] == "api"
    driver.call(services.recipient_ack_apply, device=device, event={"event": "message.ack", "payload": {
        "id": waha.sent()[0]["id"], "ack": 3}})
    assert state(message)["status"] == "read"
    assert [d["status"] for n, d in told if n == "message.status"][-1] == "read"
    # Nothing more to send: the hidden campaign stays open for the next message.
    driver.kick()
    assert Campaign.objects.get(pk=sent.campaign_id).status == Campaign.Status.PROCESSING


def test_the_message_joins_the_persons_inbox_chat(driver, waha, workspace, make_device, fast_api):
    from inbox.models import Chat, Message

    device = make_device(workspace)
    send(driver, workspace, to="081234567890", text="Halo dari toko")
    driver.run(until=timezone.now() + timedelta(seconds=30))
    out = waha.sent()[0]
    dispatch(device=device, event={"id": "evt_any", "event": "message.any", "session": device.session_name,
                                   "payload": {"id": out["id"], "fromMe": True, "to": out["chat_id"],
                                               "body": out["text"], "source": "api",
                                               "timestamp": out["timestamp"]}})
    chat = Chat.objects.get(device=device, phone="6281234567890")
    assert list(Message.objects.filter(chat=chat).values_list("text", "direction")) == [("Halo dari toko", "out")]


def test_send_at_is_honoured(driver, waha, workspace, make_device, fast_api):
    make_device(workspace)
    when = timezone.now() + timedelta(minutes=10)
    later = send(driver, workspace, to="081200000001", text="later", send_at=when)
    send(driver, workspace, to="081200000002", text="now")
    driver.run(until=when - timedelta(seconds=5))
    driver.kick()
    driver.run(until=when - timedelta(seconds=1))
    assert sent_to(waha) == ["6281200000002"]
    assert row(later).status == Recipient.Status.PENDING
    driver.traveller.move_to(when + timedelta(seconds=1))
    driver.kick()  # the beat's kick wakes the number once the row is due
    driver.run(until=when + timedelta(seconds=30))
    assert sent_to(waha) == ["6281200000002", "6281200000001"]
    assert row(later).sent_at >= when


def test_only_the_number_asked_for_sends(driver, waha, workspace, make_device, fast_api):
    first, second = make_device(workspace), make_device(workspace)
    messages = [send(driver, workspace, to=f"08120000000{n}", text=f"m{n}", device=second.session_name)
                for n in range(3)]
    driver.call(engine.start_chain, first.pk)  # a number with nothing of its own to send stays out of it
    driver.run(until=timezone.now() + timedelta(seconds=60))
    assert {row(m).device_used_id for m in messages} == {second.pk}
    assert {s["session"] for s in waha.sent()} == {second.session_name}


def test_a_number_chosen_for_the_caller_leaves_it_to_others_once_its_preference_ends(
        driver, waha, workspace, make_device, fast_api):
    first, second = make_device(workspace), make_device(workspace)
    message = send(driver, workspace, to="081200000001", text="x")
    assert row(message).prefer_device == first
    first.status = first.Status.DISCONNECTED
    first.save(update_fields=["status"])
    api = Campaign.objects.get(kind=Campaign.Kind.API)
    api.devices.add(second)
    driver.run(until=timezone.now() + timedelta(seconds=30))
    driver.kick()
    assert row(message).status == Recipient.Status.PENDING  # still the first number's
    driver.traveller.move_to(timezone.now() + timedelta(seconds=api_messages.PREFER_SECONDS + 1))
    driver.kick()
    driver.run(until=timezone.now() + timedelta(seconds=30))
    assert row(message).status == Recipient.Status.SENT and row(message).device_used == second


def _at_local(workspace, hour):
    local = timezone.now().astimezone(workspace.zone)
    day = local.date() + timedelta(days=1)
    return datetime.combine(day, time(hour, 0), tzinfo=workspace.zone)


def test_quiet_hours_hold_marketing_messages_but_not_transactional_ones(driver, waha, workspace, make_device,
                                                                       fast_api):
    make_device(workspace)
    driver.traveller.move_to(_at_local(workspace, 22))
    promo = send(driver, workspace, to="081200000001", text="promo")
    code = send(driver, workspace, to="081200000002", text="kode 1234", transactional=True)
    driver.run(until=timezone.now() + timedelta(minutes=5))
    assert sent_to(waha) == ["6281200000002"]
    assert row(code).campaign.kind == Campaign.Kind.API_TRANSACTIONAL
    assert row(promo).status == Recipient.Status.PENDING
    morning = _at_local(workspace, 8) + timedelta(days=1, minutes=1)
    driver.run(until=morning + timedelta(minutes=1))
    driver.kick()
    driver.run(until=morning + timedelta(minutes=2))
    assert sent_to(waha) == ["6281200000002", "6281200000001"]


def test_the_contact_limit_holds_api_messages_but_not_transactional_ones(driver, waha, workspace, make_device,
                                                                        fast_api):
    from contacts.services import contact_cap_set

    make_device(workspace)
    contact_cap_set(workspace=workspace, messages=1, days=7)
    first = send(driver, workspace, to="081200000001", text="one")
    driver.run(until=timezone.now() + timedelta(seconds=30))
    second = send(driver, workspace, to="081200000001", text="two")
    code = send(driver, workspace, to="081200000001", text="kode", transactional=True)
    driver.run(until=timezone.now() + timedelta(seconds=30))
    assert row(first).status == Recipient.Status.SENT
    assert row(second).status == Recipient.Status.SKIPPED and row(second).error_code == "contact_cap"
    assert state(second)["status"] == "failed"
    assert row(code).status == Recipient.Status.SENT


def test_api_messages_and_a_broadcast_share_the_number(driver, waha, workspace, owner, make_device, make_contacts,
                                                       fast_api):
    make_device(workspace)
    make_contacts(workspace, 3)
    campaign = start(driver, workspace, owner)
    message = send(driver, workspace, to="081299990000", text="api")
    driver.run(until=timezone.now() + timedelta(seconds=60))
    assert row(message).status == Recipient.Status.SENT
    assert sorted(Recipient.objects.filter(campaign=campaign).values_list("status", flat=True)) == ["SENT"] * 3
    driver.kick()
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.COMPLETED
