"""The engine's side of number health (issue 14), on every engine: a send WhatsApp refuses with 463 or
rate-overlimit is recorded on the device (one call into devices.health), the row goes back for later or another
number (nothing was sent), and the number's recent campaign figures reach its score through the provider."""
from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import Recipient
from campaigns.selectors import device_send_stats
from devices import health
from devices.models import DeviceHealth, DeviceHealthEvent

from .conftest import API_KEY
from .helpers import start

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", params=["GOWS", "NOWEB", "WEBJS"])
def waha_server(request):
    from devices.emulator import EmulatorServer

    with EmulatorServer(port=0, engine=request.param, api_key=API_KEY, auto_acks=False, status_delay=0.0) as emu:
        yield emu


def test_a_timelocked_number_records_463_and_sends_nothing(driver, waha, workspace, owner, make_device,
                                                          make_contacts):
    device = make_device(workspace)
    waha.set_limits(device.session_name, timelock={"seconds": 3600})
    make_contacts(workspace, 2)
    campaign = start(driver, workspace, owner, delay=(0, 0))
    driver.run(until=timezone.now() + timedelta(seconds=20))
    assert waha.sent() == []
    assert set(Recipient.objects.filter(campaign=campaign).values_list("status", flat=True)) == {
        Recipient.Status.PENDING}  # released: WhatsApp refused it, so it was never sent
    events = DeviceHealthEvent.objects.filter(device=device, kind="SEND_ERROR")
    assert events.exists() and set(events.values_list("code", flat=True)) == {"timelock"}
    signals = health.device_signals(device)
    assert signals.timelock_until is not None and signals.score <= 40
    # the poll the error asked for read WAHA's own end of the timelock
    assert DeviceHealth.objects.get(device=device).timelock_ends is not None


def test_rate_overlimit_is_recorded_and_the_send_goes_on(driver, waha, workspace, owner, make_device,
                                                         make_contacts):
    device = make_device(workspace)
    waha.set_limits(device.session_name, rate_overlimit=1)
    make_contacts(workspace, 1)
    campaign = start(driver, workspace, owner, delay=(0, 0))
    driver.run(until=timezone.now() + timedelta(seconds=300))
    assert Recipient.objects.get(campaign=campaign).status == Recipient.Status.SENT
    assert list(DeviceHealthEvent.objects.filter(device=device, kind="SEND_ERROR").values_list("code", flat=True)) == [
        "rate_overlimit"]


def test_recent_campaign_figures_reach_the_score(driver, waha, workspace, owner, make_device, make_contacts):
    device = make_device(workspace)
    make_contacts(workspace, 12)
    waha.set_faults(not_on_whatsapp=["6281200000000", "6281200000001"])
    campaign = start(driver, workspace, owner, delay=(0, 0))
    driver.run(until=timezone.now() + timedelta(seconds=300))
    assert Recipient.objects.filter(campaign=campaign, error_code="not_on_whatsapp").count() == 2
    now = timezone.now()
    stats = device_send_stats([device.pk], since=now - timedelta(days=1), undelivered_before=now)[device.pk]
    assert (stats.attempts, stats.not_on_whatsapp, stats.sent, stats.undelivered) == (12, 2, 10, 10)
    row = health.health_rescore(device=device)
    codes = [r["code"] for r in row.reasons]
    assert "not_on_whatsapp" in codes and "17 % not on WhatsApp" in row.reasons_words
