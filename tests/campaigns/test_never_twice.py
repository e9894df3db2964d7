"""Never twice, for real (issue 21 #1, issue 12 #10): a send whose answer never came, on every engine, is
not sent again by another number; a session WAHA lost puts the row back and disconnects the device
instead of calling the person "not on WhatsApp"."""
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns import completion, engine_beat, pacing, services
from campaigns.claims import claim_recipient
from campaigns.models import Recipient
from campaigns.reasons import reason
from contacts.models import Contact
from devices.emulator import EmulatorServer
from devices.models import Device
from devices.waha import WahaClient

from .conftest import API_KEY
from .helpers import start

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", params=["GOWS", "NOWEB", "WEBJS"])
def waha_server(request):
    with EmulatorServer(port=0, engine=request.param, api_key=API_KEY, auto_acks=False, status_delay=0.0) as emu:
        yield emu


@pytest.fixture
def impatient_client(monkeypatch):
    """The engine's WAHA client with a read timeout shorter than the emulator's `slow_ms`."""
    def client_for(device):
        return WahaClient(device.server.base_url, device.server.api_key, timeout=(2, 0.3))

    monkeypatch.setattr("campaigns.engine.client_for", client_for)


def sends_to(waha, phone, *, settle=2.0):
    deadline = time.monotonic() + settle
    while time.monotonic() < deadline:
        time.sleep(0.05)
    return [s for s in waha.sent() if s["chat_id"].split("@")[0] == phone]


def test_a_send_that_timed_out_after_whatsapp_took_it_is_never_sent_again(
        driver, waha, workspace, owner, make_device, make_contacts, impatient_client):
    make_device(workspace)
    make_device(workspace)
    [contact] = make_contacts(workspace, 1)
    waha.set_faults(slow_send_ms=800)  # WhatsApp takes the message; the answer comes after our read timeout
    campaign = start(driver, workspace, owner, delay=(0, 0))
    driver.run(until=timezone.now() + timedelta(seconds=pacing.retry_backoff_seconds() * 3))
    waha.set_faults(slow_send_ms=0)
    row = Recipient.objects.get(campaign=campaign)
    assert row.status == Recipient.Status.SENDING and row.attempted_at is not None  # in flight, as after SIGKILL
    assert len(sends_to(waha, contact.phone)) == 1  # the old code sent it again from the other number
    # message.any for that very send settles it as SENT ...
    sent = sends_to(waha, contact.phone, settle=0)[0]
    device = Device.objects.get(pk=row.device_used_id)
    assert services.recipient_sent_seen(device=device, event={
        "id": "evt_1", "event": "message.any", "session": device.session_name,
        "payload": {"id": sent["id"] if isinstance(sent["id"], str) else f"true_{sent['chat_id']}_{sent['short_id']}",
                    "fromMe": True, "from": sent["chat_id"], "to": sent["chat_id"], "body": row.text}}) == 1
    row.refresh_from_db()
    assert row.status == Recipient.Status.SENT
    # ... and the engine never touches it again.
    driver.run(until=timezone.now() + timedelta(seconds=pacing.lease_seconds() + 60), kick_every=None)
    assert len(sends_to(waha, contact.phone, settle=0.2)) == 1


def test_with_no_message_any_the_reaper_settles_it_as_unknown_never_resent(
        driver, waha, workspace, owner, make_device, make_contacts, impatient_client):
    make_device(workspace)
    make_device(workspace)
    [contact] = make_contacts(workspace, 1)
    waha.set_faults(slow_send_ms=800)
    campaign = start(driver, workspace, owner, delay=(0, 0))
    driver.run(until=timezone.now() + timedelta(seconds=5))
    waha.set_faults(slow_send_ms=0)
    driver.traveller.move_to(timezone.now() + timedelta(seconds=pacing.lease_seconds() + 1))
    engine_beat.recipients_reap()
    driver.kick()
    driver.run(until=timezone.now() + timedelta(seconds=120))
    row = Recipient.objects.get(campaign=campaign)
    assert row.status == Recipient.Status.FAILED and row.error_code == Recipient.OUTCOME_UNKNOWN
    assert len(sends_to(waha, contact.phone)) == 1


def test_a_lost_session_puts_the_row_back_and_disconnects_the_device(
        driver, waha, workspace, owner, make_device, make_contacts):
    lost = make_device(workspace)
    make_contacts(workspace, 2)
    # WAHA was reset: it no longer knows the session (422 "Session … does not exist").
    WahaClient(waha.url, API_KEY)._request("DELETE", f"/api/sessions/{lost.session_name}")
    campaign = start(driver, workspace, owner, delay=(0, 0))
    driver.run(until=timezone.now() + timedelta(seconds=60))
    lost.refresh_from_db()
    assert not lost.is_connected and lost.last_error_code == "session_missing" and "Reconnect" in lost.error_text
    rows = Recipient.objects.filter(campaign=campaign)
    assert set(rows.values_list("status", flat=True)) == {Recipient.Status.PENDING}
    assert not rows.filter(error_code="not_on_whatsapp").exists()
    assert not Contact.objects.filter(on_whatsapp=False).exists()  # nobody was marked as not on WhatsApp
    # Linked again (the owner pressed Reconnect and scanned): the rows go out, once each.
    client = WahaClient(waha.url, API_KEY)
    client._request("POST", "/api/sessions", json={"name": lost.session_name, "start": True})
    assert waha.wait_for_status(lost.session_name, "SCAN_QR_CODE", timeout=5)
    waha.scan(lost.session_name)
    Device.objects.filter(pk=lost.pk).update(status=Device.Status.CONNECTED, waha_status="WORKING", last_error="")
    driver.kick()
    driver.run(until=timezone.now() + timedelta(seconds=120))
    assert set(rows.values_list("status", flat=True)) == {Recipient.Status.SENT}
    assert len(waha.sent()) == 2


def test_a_row_claimed_before_a_cancel_ends_skipped_not_pending(driver, waha, workspace, owner, make_device,
                                                                 make_contacts):
    make_device(workspace)
    make_contacts(workspace, 3)
    campaign = start(driver, workspace, owner, delay=(30, 30))
    driver.run(until=timezone.now() + timedelta(seconds=1))
    # Claim the next row as a device's step would, then the owner cancels before it is sent.
    claimed = claim_recipient(campaign, Device.objects.get(workspace=workspace), attempt=False)
    assert claimed is not None
    services.campaign_cancel(campaign=campaign)
    driver.run(until=timezone.now() + timedelta(seconds=120))
    engine_beat.recipients_reap(now=timezone.now() + timedelta(seconds=pacing.unattempted_lease_seconds() + 1))
    statuses = dict(Recipient.objects.filter(campaign=campaign).values_list("pk", "status"))
    assert Recipient.Status.PENDING not in statuses.values()
    assert statuses[claimed.pk] in (Recipient.Status.SKIPPED, Recipient.Status.SENT)
    assert Recipient.objects.get(pk=claimed.pk).status == Recipient.Status.SKIPPED


def test_a_pause_still_puts_claimed_rows_back(driver, waha, workspace, owner, make_device, make_contacts):
    make_device(workspace)
    make_contacts(workspace, 3)
    campaign = start(driver, workspace, owner, delay=(30, 30))
    driver.run(until=timezone.now() + timedelta(seconds=1))
    claimed = claim_recipient(campaign, Device.objects.get(workspace=workspace), attempt=False)
    services.campaign_pause(campaign=campaign)
    completion.recipient_release(claimed, why=reason("paused"))
    assert Recipient.objects.get(pk=claimed.pk).status == Recipient.Status.PENDING
