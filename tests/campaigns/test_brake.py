"""The automatic brake (issue 14), on every engine, over frozen time with the emulator playing WhatsApp: each
signal brakes its number and lifts when it ends; a braked number's cold rows go to a healthy number at once and
nobody gets a message twice; a CAPPED or timelocked number opens no new chat after its signal while contacts who
wrote to it still get theirs; FIRST_WARNING doubles the gaps; a flapping session pauses the number; a campaign
whose numbers are all braked says why it waits and until when; the banner and the events stay in their workspace."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign, Recipient
from campaigns.selectors import campaign_stats
from devices import health
from devices.health_panels import dashboard_card
from devices.models import Device, DeviceHealthEvent
from devices.services import device_status_apply
from inbox.models import Chat

from .conftest import API_KEY
from .helpers import start

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", params=["GOWS", "NOWEB", "WEBJS"])
def waha_server(request):
    from devices.emulator import EmulatorServer

    with EmulatorServer(port=0, engine=request.param, api_key=API_KEY, auto_acks=False, status_delay=0.0) as emu:
        yield emu


def _phone(i):
    return f"628120000{i:04d}"


def _signal(waha, device, **limits):
    """The emulator plays WhatsApp's signal; Sebar reads /me as its poll would."""
    waha.set_limits(device.session_name, **limits)
    health.health_poll(device=Device.objects.get(pk=device.pk))


def _warm(waha, device, i):
    """Contact i wrote to this number: the emulator has the chat, the inbox its thread."""
    waha.inbound(device.session_name, _phone(i), "halo")
    Chat.objects.create(workspace=device.workspace, device=device, phone=_phone(i), customer_wrote_at=timezone.now())


def _sends(waha, device):
    return [s["chat_id"].split("@")[0] for s in waha.sent() if s.get("session") == device.session_name]


def _brakes(device):
    return list(DeviceHealthEvent.objects.filter(device=device, kind="BRAKE").order_by("at", "pk")
                .values_list("code", flat=True))


def _gaps(campaign):
    times = sorted(Recipient.objects.filter(campaign=campaign, status="SENT").values_list("sent_at", flat=True))
    return [round((b - a).total_seconds()) for a, b in zip(times, times[1:], strict=False)]


def test_first_warning_doubles_the_gaps_until_it_lifts(driver, waha, workspace, owner, make_device, make_contacts):
    device = make_device(workspace)
    make_contacts(workspace, 8)
    _signal(waha, device, capping={"status": "FIRST_WARNING", "cycle_seconds": 3600})
    campaign = start(driver, workspace, owner, delay=(10, 10))
    driver.run(until=timezone.now() + timedelta(seconds=65))
    assert _gaps(campaign) == [20, 20, 20]  # 4 sent in 65 s: the 10 s delay doubled
    _signal(waha, device, capping={"status": "NONE"})
    driver.run()
    assert Recipient.objects.filter(campaign=campaign, status="SENT").count() == 8
    assert _gaps(campaign)[-3:] == [10, 10, 10]
    assert _brakes(device) == ["first_warning", "released"]  # once per change, not per step


def test_a_capped_number_gives_its_cold_rows_to_a_healthy_one(driver, waha, workspace, owner, make_device,
                                                             make_contacts):
    capped, healthy = make_device(workspace), make_device(workspace)
    make_contacts(workspace, 10)
    for i in (8, 9):
        _warm(waha, capped, i)
    _signal(waha, capped, capping={"status": "CAPPED", "total": 5, "used": 5, "cycle_seconds": 7200})
    campaign = start(driver, workspace, owner, delay=(5, 5))
    driver.run(until=timezone.now() + timedelta(seconds=600))
    rows = Recipient.objects.filter(campaign=campaign)
    assert set(rows.values_list("status", flat=True)) == {"SENT"}
    sent = [s["chat_id"] for s in waha.sent()]
    assert len(sent) == len(set(sent)) == 10  # nobody twice, nobody lost
    assert _sends(waha, capped) and set(_sends(waha, capped)) <= {_phone(8), _phone(9)}  # warm ones only
    assert not DeviceHealthEvent.objects.filter(device=capped, kind="SEND_ERROR").exists()  # never even tried
    assert _brakes(capped) == ["capped"] and _brakes(healthy) == []


def test_a_capped_number_alone_holds_says_why_and_goes_on_when_the_cycle_ends(driver, waha, workspace, owner,
                                                                             make_device, make_contacts):
    device = make_device(workspace)
    make_contacts(workspace, 4)
    _warm(waha, device, 3)
    _signal(waha, device, capping={"status": "CAPPED", "total": 5, "used": 5, "cycle_seconds": 1800})
    cycle_end = health.device_signals(device).cycle_end
    campaign = start(driver, workspace, owner, delay=(5, 5))
    steps = driver.run(until=timezone.now() + timedelta(seconds=1500))
    assert _sends(waha, device) == [_phone(3)]  # the contact who wrote still gets hers
    assert Recipient.objects.filter(campaign=campaign, status="PENDING").count() == 3
    assert steps < 20  # it holds until the brake should lift (or a recheck), it does not spin
    campaign.refresh_from_db()
    assert campaign.last_error_code == "braked"
    assert abs((timezone.datetime.fromisoformat(campaign.last_error_params["until"]) - cycle_end).total_seconds()) < 1
    assert "every number of this campaign is braked" in campaign.last_error_text
    assert campaign_stats(campaign)["eta"] >= cycle_end
    driver.run(until=cycle_end + timedelta(seconds=900))  # the cycle ends: a fresh one, NONE
    assert Recipient.objects.filter(campaign=campaign, status="SENT").count() == 4
    sent_at = Recipient.objects.filter(campaign=campaign).exclude(phone=_phone(3)).values_list("sent_at", flat=True)
    assert min(sent_at) >= cycle_end  # no new chat before the cycle was over
    assert _brakes(device) == ["capped", "released"]
    campaign.refresh_from_db()
    assert campaign.last_error_code in ("",)


def test_a_signal_read_after_a_row_was_prepared_stops_that_send(driver, waha, workspace, owner, make_device,
                                                               make_contacts):
    device = make_device(workspace)
    make_contacts(workspace, 3)
    campaign = start(driver, workspace, owner, delay=(10, 10))
    driver.run(until=timezone.now() + timedelta(seconds=9.5))  # one sent; the next claimed, its delivery queued
    assert len(waha.sent()) == 1 and Recipient.objects.filter(campaign=campaign, status="SENDING").exists()
    _signal(waha, device, timelock={"seconds": 3600})
    driver.run(until=timezone.now() + timedelta(seconds=600))
    assert len(waha.sent()) == 1  # 0 new chats after the signal
    assert not DeviceHealthEvent.objects.filter(device=device, kind="SEND_ERROR").exists()  # not even an attempt
    assert Recipient.objects.filter(campaign=campaign, status="PENDING").count() == 2


def test_a_timelock_lets_only_warm_contacts_through_until_it_ends(driver, waha, workspace, owner, make_device,
                                                                 make_contacts):
    device = make_device(workspace)
    make_contacts(workspace, 3)
    _warm(waha, device, 1)
    _signal(waha, device, timelock={"seconds": 1200})
    ends = health.device_signals(device).timelock_until
    campaign = start(driver, workspace, owner, delay=(5, 5))
    driver.run(until=ends - timedelta(seconds=1))
    assert _sends(waha, device) == [_phone(1)]
    campaign.refresh_from_db()
    assert campaign.last_error_code == "braked" and campaign.last_error_params["why"] == ["timelock"]
    driver.run(until=ends + timedelta(seconds=600))
    assert Recipient.objects.filter(campaign=campaign, status="SENT").count() == 3
    assert _brakes(device) == ["timelock", "released"]


def test_second_warning_opens_no_new_chat(driver, waha, workspace, owner, make_device, make_contacts):
    device = make_device(workspace)
    make_contacts(workspace, 3)
    _warm(waha, device, 2)
    _signal(waha, device, capping={"status": "SECOND_WARNING", "cycle_seconds": 3600})
    campaign = start(driver, workspace, owner, delay=(5, 5))
    driver.run(until=timezone.now() + timedelta(seconds=1200))
    assert _sends(waha, device) == [_phone(2)]  # WhatsApp would take the others; the brake does not send them
    assert Recipient.objects.filter(campaign=campaign, status="PENDING").count() == 2
    assert _brakes(device) == ["second_warning"]


@pytest.mark.parametrize("release", ["owner_resumes", "the_day_passes"])
def test_a_flapping_session_pauses_the_number(driver, waha, workspace, owner, make_device, make_contacts, settings,
                                              release, client):
    settings.SEBAR_BRAKE_FLAPS = 2
    device = make_device(workspace)
    make_contacts(workspace, 2)
    for _ in range(2):
        device_status_apply(device=device, status="FAILED")
        device_status_apply(device=device, status="WORKING")
    Device.objects.filter(pk=device.pk).update(status=Device.Status.CONNECTED)
    campaign = start(driver, workspace, owner, delay=(5, 5))
    driver.run(until=timezone.now() + timedelta(seconds=3600))
    assert waha.sent() == [] and _brakes(device) == ["flapping"]
    state = health.brake_of(Device.objects.get(pk=device.pk))
    assert state.level == "paused" and state.until is not None
    if release == "owner_resumes":
        client.force_login(owner)
        response = client.post(reverse("devices:brake-resume", args=[device.session_name]))
        assert response.status_code == 302
        driver.kick()
        driver.run(until=timezone.now() + timedelta(seconds=600))
    else:
        driver.run(until=state.until + timedelta(seconds=400))
    assert Recipient.objects.filter(campaign=campaign, status="SENT").count() == 2
    assert _brakes(device) == ["flapping", "released"]


def test_no_flap_brake_below_the_threshold(driver, waha, workspace, owner, make_device, make_contacts, settings):
    settings.SEBAR_BRAKE_FLAPS = 3
    device = make_device(workspace)
    make_contacts(workspace, 1)
    for _ in range(2):
        device_status_apply(device=device, status="FAILED")
        device_status_apply(device=device, status="WORKING")
    Device.objects.filter(pk=device.pk).update(status=Device.Status.CONNECTED)
    start(driver, workspace, owner)
    driver.run(until=timezone.now() + timedelta(seconds=60))
    assert len(waha.sent()) == 1 and _brakes(device) == []


def test_the_banner_and_the_events_stay_in_their_workspace(driver, waha, workspace, other_workspace, owner,
                                                          outsider, make_device, make_contacts, client):
    device = make_device(workspace, label="Toko A")
    other = make_device(other_workspace, label="Toko B")
    make_contacts(workspace, 2)
    _signal(waha, device, capping={"status": "CAPPED", "cycle_seconds": 3600})
    start(driver, workspace, owner, delay=(5, 5))
    driver.run(until=timezone.now() + timedelta(seconds=60))
    card = dashboard_card(workspace)
    assert "Toko A" in card["alert"] and "opens no new chat" in card["alert"]
    assert "alert" not in dashboard_card(other_workspace)
    client.force_login(owner)
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert "Toko A" in page and "WhatsApp capped new chats" in page
    history = client.get(reverse("devices:health", args=[device.session_name])).content.decode()
    assert "brake: WhatsApp capped new chats" in history
    client.force_login(outsider)
    assert "Toko A" not in client.get(reverse("accounts:dashboard")).content.decode()
    assert client.get(reverse("devices:health", args=[device.session_name])).status_code == 404
    assert client.post(reverse("devices:brake-resume", args=[device.session_name])).status_code == 404
    assert not DeviceHealthEvent.objects.filter(device=other).exists()


def test_a_healthy_step_reads_the_brake_with_the_device(driver, waha, workspace, owner, make_device, make_contacts):
    """The brake costs no query of its own per message: the health row and the drops come with the device."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_device(workspace)
    make_contacts(workspace, 3)
    start(driver, workspace, owner, delay=(5, 5))
    with CaptureQueriesContext(connection) as ctx:
        driver.run()
    alone = [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")
             and ("devicehealth" in q["sql"].lower()) and "devices_device" not in q["sql"].lower()
             and "campaigns_recipient" not in q["sql"].lower()]
    assert alone == []
    assert Campaign.objects.get().status == Campaign.Status.COMPLETED
