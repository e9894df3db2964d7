"""Never twice, never lost: the reaper, the message.any rescue, acks matched on the short id, replies."""
from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns import engine, engine_beat, pacing, services
from campaigns.models import Recipient

from .helpers import sent_to, start

pytestmark = pytest.mark.django_db


def envelope(event, payload, session="s"):
    return {"id": "evt_x", "event": event, "session": session, "payload": payload}


@pytest.fixture
def sending_campaign(driver, waha, workspace, owner, make_device, make_contacts):
    device = make_device(workspace)
    make_contacts(workspace, 3)
    campaign = start(driver, workspace, owner, delay=(60, 60))
    return campaign, device


def test_a_row_left_sending_by_a_killed_worker_becomes_outcome_unknown(driver, waha, sending_campaign, settings):
    campaign, device = sending_campaign
    row = Recipient.objects.filter(campaign=campaign).first()
    # The worker claimed and attempted it, then died before writing SENT.
    Recipient.objects.filter(pk=row.pk).update(status="SENDING", device_used=device, claimed_at=timezone.now(),
                                               attempted_at=timezone.now())
    assert engine_beat.recipients_reap() == (0, 0)  # inside the lease: left alone
    driver.traveller.move_to(timezone.now() + timedelta(seconds=pacing.lease_seconds() + 1))
    assert engine_beat.recipients_reap() == (0, 1)
    row.refresh_from_db()
    assert row.status == Recipient.Status.FAILED and row.error_code == Recipient.OUTCOME_UNKNOWN
    assert "not re-sent" in row.reason.lower()
    # It is never picked up again: the rest of the campaign goes out, and WhatsApp never gets this row's number.
    driver.run()
    row.refresh_from_db()
    assert row.status == Recipient.Status.FAILED
    sent = sent_to(waha)
    assert row.phone not in sent
    assert sorted(sent) == sorted(Recipient.objects.filter(campaign=campaign).exclude(pk=row.pk)
                                  .values_list("phone", flat=True))


def test_message_any_shows_the_send_happened(sending_campaign):
    campaign, device = sending_campaign
    row = Recipient.objects.filter(campaign=campaign).order_by("pk").last()
    Recipient.objects.filter(pk=row.pk).update(status="FAILED", error_code=Recipient.OUTCOME_UNKNOWN,
                                               device_used=device, attempted_at=timezone.now())
    other = f"true_{row.phone}@c.us_ABC"
    assert services.recipient_sent_seen(device=device, event=envelope("message.any", {
        "id": other, "fromMe": True, "from": f"{row.phone}@c.us", "body": "some other text"})) == 0
    assert services.recipient_sent_seen(device=device, event=envelope("message.any", {
        "id": f"true_{row.phone}@c.us_3EB0FF", "fromMe": True, "from": f"{row.phone}@c.us", "body": row.text})) == 1
    row.refresh_from_db()
    assert row.status == Recipient.Status.SENT and row.waha_short_id == "3EB0FF" and row.reason == ""


def test_a_claim_whose_task_was_lost_goes_back_to_pending(driver, sending_campaign):
    campaign, device = sending_campaign
    row = Recipient.objects.filter(campaign=campaign).order_by("pk").last()
    Recipient.objects.filter(pk=row.pk).update(status="SENDING", device_used=device, claimed_at=timezone.now())
    driver.traveller.move_to(timezone.now() + timedelta(seconds=pacing.unattempted_lease_seconds() + 1))
    assert engine_beat.recipients_reap() == (1, 0)
    row.refresh_from_db()
    assert row.status == Recipient.Status.PENDING


def test_acks_match_on_the_short_id_and_never_downgrade(sending_campaign, other_workspace):
    campaign, device = sending_campaign
    row = Recipient.objects.filter(campaign=campaign).first()
    Recipient.objects.filter(pk=row.pk).update(status="SENT", waha_short_id="3EB0AA", sent_at=timezone.now(),
                                               waha_message_id=f"true_{row.phone}@c.us_3EB0AA")

    def ack(n, chat="123456789@lid"):
        # The ack names the chat by @lid although we sent to @c.us: only the short id matches.
        return services.recipient_ack_apply(device=device, event=envelope("message.ack", {
            "id": f"true_{chat}_3EB0AA", "fromMe": True, "ack": n}))

    assert ack(1) == 0
    assert ack(2) == 1
    row.refresh_from_db()
    assert row.status == "DELIVERED" and row.delivered_at
    assert ack(3) == 1
    assert ack(2) == 0  # a late DEVICE ack does not downgrade READ
    row.refresh_from_db()
    assert row.status == "READ" and row.read_at
    assert ack(4) == 0


def test_acks_of_another_workspace_do_not_touch_our_rows(sending_campaign, other_workspace, make_device):
    campaign, _device = sending_campaign
    row = Recipient.objects.filter(campaign=campaign).first()
    Recipient.objects.filter(pk=row.pk).update(status="SENT", waha_short_id="SAME")
    stranger = make_device(other_workspace)
    assert services.recipient_ack_apply(device=stranger, event=envelope("message.ack", {
        "id": "true_1@c.us_SAME", "ack": 3})) == 0


def test_a_reply_counts_as_replied(sending_campaign):
    campaign, device = sending_campaign
    row = Recipient.objects.filter(campaign=campaign).first()
    Recipient.objects.filter(pk=row.pk).update(status="SENT", sent_at=timezone.now())
    assert services.recipient_reply_apply(device=device, event=envelope("message", {
        "id": f"false_{row.phone}@c.us_X", "fromMe": False, "from": f"{row.phone}@c.us", "body": "Mau!"})) == 1
    row.refresh_from_db()
    assert row.replied_at is not None
    from campaigns.selectors import campaign_stats

    assert campaign_stats(campaign)["replied"] == 1


def test_a_send_that_finishes_after_the_reaper_still_counts_as_sent(driver, waha, sending_campaign, monkeypatch):
    campaign, device = sending_campaign
    driver.queue.clear()
    row = Recipient.objects.filter(campaign=campaign).first()
    Recipient.objects.filter(pk=row.pk).update(status="SENDING", device_used=device, claimed_at=timezone.now())
    real_send = engine._send

    def slow_send(*args):
        # The reaper runs while WAHA is still answering this send.
        Recipient.objects.filter(pk=row.pk).update(status="FAILED", error_code=Recipient.OUTCOME_UNKNOWN)
        return real_send(*args)

    monkeypatch.setattr(engine, "_send", slow_send)
    assert driver.call(engine.deliver, row.pk, 0) == "sent"
    row.refresh_from_db()
    assert row.status == Recipient.Status.SENT and row.waha_short_id and row.error_code == ""


def test_message_any_for_a_lid_chat_settles_only_the_row_its_id_names(driver, waha, workspace, owner, make_device,
                                                                      make_contacts):
    """Every person of a campaign without variables gets the same text: a message.any naming the chat by
    @lid only (no phone to compare) must not settle somebody else's row; its message id may (issue 21 #5)."""
    device = make_device(workspace)
    make_contacts(workspace, 2)
    campaign = start(driver, workspace, owner, message="Promo hari ini", delay=(60, 60))
    first, second = Recipient.objects.filter(campaign=campaign).order_by("pk")
    Recipient.objects.filter(campaign=campaign).update(status="SENDING", device_used=device,
                                                       claimed_at=timezone.now(), attempted_at=timezone.now())

    def seen(short_id):
        return services.recipient_sent_seen(device=device, event=envelope("message.any", {
            "id": f"true_555123@lid_{short_id}", "fromMe": True, "from": "555123@lid", "body": "Promo hari ini"}))

    assert seen("3EB0AAAA") == 0  # whose send was this? Nothing here says: no row is touched
    assert sorted(Recipient.objects.filter(campaign=campaign).values_list("status", flat=True)) == ["SENDING"] * 2
    # The second row holds the id its send was given beforehand: that names it, whatever the chat.
    Recipient.objects.filter(pk=second.pk).update(waha_short_id="3EB0BBBB")
    assert seen("3EB0BBBB") == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Recipient.Status.SENDING, Recipient.Status.SENT)
    assert second.waha_message_id == "true_555123@lid_3EB0BBBB"
