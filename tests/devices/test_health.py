"""Number health (issue 14): WhatsApp's limits read from /me (absent = unknown), 463 and rate-overlimit sends,
session drops, the score and its reasons in words, poll pacing, the page and the API per workspace, and the
emulator playing each signal on every engine."""
import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from devices import health
from devices.health_reasons import health_text
from devices.models import Device, DeviceHealth, DeviceHealthEvent
from devices.services import device_status_apply
from devices.waha import WahaLimited, WahaOutcomeUnknown, WahaUnavailable
from devices.waha_limits import account_limits
from tests.devices.device_fixtures import FAKE_URL, emulator_fixture, fake_waha_fixture, make_device
from tests.devices.waha_fixtures import (  # noqa: F401 - registers `sink` and `waha`
    HMAC_KEY,
    sink_fixture,
    waha_fixture,
    working_session,
)

__all__ = ["emulator_fixture", "fake_waha_fixture"]
TO = "6289876543210@c.us"
ME_URL = FAKE_URL + "/api/sessions/{}/me"


def me(**extra):
    return {"id": "6281200000001@c.us", "pushName": "Shop", **extra}


def capping(status, used=10, total=100, end=1_900_000_000):
    return {"messageCapping": {"cappingStatus": status, "totalQuota": total, "usedQuota": used,
                               "cycleStart": end - 86_400, "cycleEnd": end, "mvStatus": None, "oteStatus": None}}


@pytest.fixture
def device(workspace, fake_waha):
    return make_device(workspace, fake_waha[0], session="ws-h-1", status=Device.Status.CONNECTED,
                       waha_status="WORKING", phone_number="6281200000001")


# ---------------------------------------------------------------- parsing /me


def test_absent_fields_are_unknown_never_errors():
    for raw in (me(), None, {}, me(messageCapping="odd", reachoutTimelock=[1]),
                me(messageCapping={"cappingStatus": "SOMETHING_NEW"})):
        limits = account_limits(raw)
        assert limits.capping_status is None and limits.timelock_active is None and limits.cycle_end is None
        assert not limits.capping_known and not limits.timelock_known


def test_capping_and_timelock_are_read_in_seconds_milliseconds_or_iso():
    limits = account_limits(me(**capping("FIRST_WARNING", used=40, total=100),
                               reachoutTimelock={"enforcementType": "X", "isActive": True,
                                                 "timeEnforcementEnds": 1_900_000_000_000}))
    assert (limits.capping_status, limits.used_quota, limits.total_quota) == ("FIRST_WARNING", 40, 100)
    assert limits.cycle_end == datetime.fromtimestamp(1_900_000_000, tz=UTC)
    assert limits.timelock_active is True and limits.timelock_ends == datetime.fromtimestamp(1_900_000_000, tz=UTC)
    iso = account_limits(me(reachoutTimelock={"isActive": False, "timeEnforcementEnds": "2030-01-01T00:00:00Z"}))
    assert iso.timelock_active is False and iso.timelock_ends == datetime(2030, 1, 1, tzinfo=UTC)


def test_limit_errors_are_recognised_in_each_engines_words():
    from devices.waha_errors import error_for

    for words, signal in (("failed to send message: server returned error 463", "timelock"),
                          ("Evaluation failed: Error: 463", "timelock"), ("rate-overlimit", "rate_overlimit"),
                          ("failed to send message: rate-overlimit", "rate_overlimit")):
        error = error_for(500, {"statusCode": 500, "exception": {"message": words}}, "s")
        assert isinstance(error, WahaLimited) and error.signal == signal and error.is_transient
    assert not isinstance(error_for(500, {"exception": {"message": "to 6281246312 failed"}}, "s"), WahaLimited)
    assert not isinstance(error_for(400, {"message": "463 chars too long"}, "s"), WahaLimited)


# ---------------------------------------------------------------- the emulator, per engine


def test_emulator_me_has_no_limits_until_set_then_waha_shapes(waha, sink):
    server, client = waha
    working_session(server, client, sink)
    assert client.session_limits("dev1") == account_limits({})  # an older WAHA: everything unknown
    server.set_limits("dev1", capping={"status": "SECOND_WARNING", "total": 50, "used": 45}, timelock={"seconds": 600})
    raw = client.session_me("dev1")
    assert set(raw["messageCapping"]) == {"cappingStatus", "totalQuota", "usedQuota", "cycleStart", "cycleEnd",
                                          "mvStatus", "oteStatus"}
    assert set(raw["reachoutTimelock"]) == {"enforcementType", "isActive", "timeEnforcementEnds"}
    limits = client.session_limits("dev1")
    assert (limits.capping_status, limits.used_quota, limits.total_quota) == ("SECOND_WARNING", 45, 50)
    assert limits.timelock_active is True and limits.timelock_ends > datetime.now(UTC) + timedelta(seconds=500)


def test_emulator_quota_per_cycle_caps_new_chats_but_not_replies(waha, sink):
    server, client = waha
    working_session(server, client, sink)
    server.set_limits("dev1", capping={"status": "NONE", "total": 2, "used": 0, "cycle_seconds": 1})
    client.send_text("dev1", "628111000001@c.us", "a")
    client.send_text("dev1", "628111000001@c.us", "again")  # the same chat is not a new one
    client.send_text("dev1", "628111000002@c.us", "b")
    assert client.session_limits("dev1").capping_status == "CAPPED"
    with pytest.raises(WahaLimited) as refused:
        client.send_text("dev1", "628111000003@c.us", "c")
    assert refused.value.signal == "timelock" and "463" in refused.value.waha_message
    server.inbound("dev1", "628111000004", "hello")  # they wrote first: a reply opens nothing
    client.send_text("dev1", "628111000004@c.us", "reply")
    time.sleep(1.1)  # the cycle ends: a fresh quota
    limits = client.session_limits("dev1")
    assert (limits.capping_status, limits.used_quota) == ("NONE", 0)
    client.send_text("dev1", "628111000003@c.us", "c")


def test_emulator_timelock_and_rate_overlimit_refuse_sends(waha, sink):
    server, client = waha
    working_session(server, client, sink)
    server.set_limits("dev1", timelock={"seconds": 60}, rate_overlimit=1)
    with pytest.raises(WahaLimited) as overlimit:
        client.check_exists("dev1", "628111000009")
    assert overlimit.value.signal == "rate_overlimit"
    with pytest.raises(WahaLimited) as locked:
        client.send_text("dev1", TO, "hi")
    assert locked.value.signal == "timelock"
    server.set_limits("dev1", timelock={"active": False})
    assert client.session_limits("dev1").timelock_active is False
    client.send_text("dev1", TO, "hi")
    server.set_faults(rate_overlimit=1)  # the global fault, for tests
    with pytest.raises(WahaLimited):
        client.send_text("dev1", TO, "again")


def test_emulator_session_flaps(waha, sink):
    server, client = waha
    working_session(server, client, sink)
    server.flap("dev1", times=2, gap=0.2)
    # Webhooks go out concurrently (unordered, as WAHA's do): count them; the order is the session's own.
    sink.wait_for(lambda evs: [e["payload"]["status"] for e in evs if e["event"] == "session.status"].count(
        "FAILED") == 2, timeout=5)
    assert server.wait_for_status("dev1", "WORKING", timeout=3)
    history = [s["status"] for s in server.emulator.state.sessions["dev1"].statuses]
    assert history[-6:] == ["FAILED", "STARTING", "WORKING", "FAILED", "STARTING", "WORKING"]


# ---------------------------------------------------------------- the score and its reasons


def test_each_limit_moves_the_score_and_says_why(db, device):
    row = health.limits_apply(device=device, limits=account_limits(me(**capping("NONE"))))
    assert (row.score, row.reasons, row.capping_status) == (100, [], "NONE")
    row = health.limits_apply(device=device, limits=account_limits(me(**capping("FIRST_WARNING"))))
    assert row.score == 75 and health_text(row.score, row.reasons) == "75: capping first warning"
    row = health.limits_apply(device=device, limits=account_limits(me(**capping("CAPPED"))))
    assert row.score == 30 and row.reasons_words.startswith("capped")
    ends = timezone.now() + timedelta(hours=2)
    row = health.limits_apply(device=device, limits=account_limits(me(**capping("NONE"), reachoutTimelock={
        "isActive": True, "timeEnforcementEnds": int(ends.timestamp())})))
    assert row.score == 40 and "reach-out timelock until" in row.summary
    signals = health.device_signals(device)
    assert signals.timelock_until.replace(microsecond=0) == ends.replace(microsecond=0)
    assert signals.new_chats_blocked_until() == signals.timelock_until
    changes = [c["code"] for e in DeviceHealthEvent.objects.filter(device=device) for c in e.changes]
    assert changes.count("capping") == 4 and "timelock_on" in changes  # unknown → NONE → … → NONE


def test_absent_limits_leave_capping_unknown_and_score_untouched(db, device):
    health.limits_apply(device=device, limits=account_limits(me(**capping("FIRST_WARNING"))))
    row = health.limits_apply(device=device, limits=account_limits(me()))
    assert row.capping_status == "" and row.score == 100 and row.reasons == []
    signals = health.device_signals(device)
    assert signals.capping_status is None and signals.timelock_until is None and signals.score == 100
    assert health.device_signals(make_device(device.workspace, device.server, session="ws-h-new")).score is None


def test_463_and_rate_overlimit_sends_are_recorded_and_ask_one_poll(db, device, fake_waha, settings,
                                                                   django_capture_on_commit_callbacks):
    _server, mock = fake_waha
    mock.get(ME_URL.format(device.session_name), json=me())
    assert health.send_error_record(device=device, exc=WahaUnavailable("down")) is None
    assert health.send_error_record(device=device, exc=WahaOutcomeUnknown("?")) is None
    assert DeviceHealthEvent.objects.count() == 0
    timelock = WahaLimited("server returned error 463", signal="timelock", status_code=500)
    overlimit = WahaLimited("rate-overlimit", signal="rate_overlimit", status_code=500)
    with django_capture_on_commit_callbacks(execute=True):
        assert health.send_error_record(device=device, exc=timelock) == "timelock"
        health.send_error_record(device=device, exc=overlimit)
        health.send_error_record(device=device, exc=overlimit)
    codes = sorted(DeviceHealthEvent.objects.filter(kind="SEND_ERROR").values_list("code", flat=True))
    assert codes == ["rate_overlimit", "rate_overlimit", "timelock"]
    row = DeviceHealth.objects.get(device=device)
    assert row.timelock_active and [r["code"] for r in row.reasons] == ["timelock", "rate_overlimit"]
    assert row.score == 100 - 60 - 10
    # three errors in a burst: /me asked once (SEBAR_HEALTH_ERROR_POLL_SECONDS)
    assert len([c for c in mock.calls if c.request.url.endswith("/me")]) == 1
    later = timezone.now() + timedelta(seconds=settings.SEBAR_HEALTH_ERROR_POLL_SECONDS + 1)
    with time_machine.travel(later), django_capture_on_commit_callbacks(execute=True):
        health.send_error_record(device=device, exc=overlimit)
    assert len([c for c in mock.calls if c.request.url.endswith("/me")]) == 2
    # a guessed timelock (no end from /me) runs out by itself
    with time_machine.travel(timezone.now() + health.TIMELOCK_GUESS + timedelta(minutes=1)):
        assert health.device_signals(device).timelock_until is None


def test_session_drops_are_counted_per_day(db, device):
    device_status_apply(device=device, status="FAILED")
    device_status_apply(device=device, status="FAILED")  # no change: not a second drop
    device_status_apply(device=device, status="WORKING")
    device_status_apply(device=device, status="STOPPED")
    assert health.device_signals(device).flaps_today == 2
    row = DeviceHealth.objects.get(device=device)
    assert row.score == 80 and row.reasons_words == "session dropped 2 times today"
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        assert health.device_signals(device).flaps_today == 0
    fresh = make_device(device.workspace, device.server, session="ws-h-unlinked")  # never linked: not a flap
    device_status_apply(device=fresh, status="FAILED")
    assert health.device_signals(fresh).flaps_today == 0


def test_recent_send_figures_lower_the_score_in_words(db, device):
    row = DeviceHealth.objects.create(device=device, workspace=device.workspace)
    stats = health.SendStats(attempts=100, sent=90, failed=6, not_on_whatsapp=4, undelivered=9, opted_out=2)
    score, reasons = health.score_of(row, {}, stats)
    assert score == 100 - 6 - 4 - 5 - 4
    assert health_text(score, reasons) == ("81: 6 % of sends failed; 10 % not delivered after 6 h; "
                                           "4 % not on WhatsApp; 2.2 % of recipients opted out")
    assert health.score_of(row, {}, health.SendStats(attempts=5, failed=5)) == (100, [])  # too few to judge
    row.capping_status = "FIRST_WARNING"
    assert health_text(*health.score_of(row, {}, health.SendStats(attempts=100, sent=96, not_on_whatsapp=4))) == (
        "71: capping first warning; 4 % not on WhatsApp")


def test_the_reasons_read_in_the_readers_language(db, device):
    from django.utils import translation

    row = health.limits_apply(device=device, limits=account_limits(me(**capping("FIRST_WARNING"))))
    with translation.override("id"):
        words = row.reasons_words
    assert words and words != "capping first warning"


# ---------------------------------------------------------------- polling


def test_poll_rounds_read_each_connected_number_at_its_own_pace(db, workspace, fake_waha, settings):
    server, mock = fake_waha
    devices = [make_device(workspace, server, session=f"ws-p-{i}", status=Device.Status.CONNECTED,
                           waha_status="WORKING", phone_number=f"62812000000{i}") for i in range(3)]
    make_device(workspace, server, session="ws-p-off")  # disconnected: never polled
    for d in devices:
        mock.get(ME_URL.format(d.session_name), json=me(**capping("FIRST_WARNING")))
    mock.get(ME_URL.format("ws-p-2"), status=500, json={"statusCode": 500, "exception": {"message": "boom"}})
    assert health.health_poll_due() == 3
    assert health.health_poll_due() == 0  # idempotent: nobody is due again yet
    assert DeviceHealth.objects.filter(capping_status="FIRST_WARNING").count() >= 2
    calls = len(mock.calls)
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.SEBAR_HEALTH_POLL_SECONDS + 1)):
        assert health.health_poll_due() == 3
    assert len(mock.calls) > calls and not any("ws-p-off" in c.request.url for c in mock.calls)


def test_a_poll_round_queries_in_sets_not_per_device(db, workspace, fake_waha, django_assert_max_num_queries):
    server, mock = fake_waha
    for i in range(6):
        d = make_device(workspace, server, session=f"ws-q-{i}", status=Device.Status.CONNECTED,
                        waha_status="WORKING", phone_number=f"62813000000{i}")
        mock.get(ME_URL.format(d.session_name), json=me())
    health.health_poll_due()
    # Every number is due again; the round's reads are shared, only each row's own writes remain per device.
    DeviceHealth.objects.update(last_polled_at=timezone.now() - timedelta(days=1))
    with django_assert_max_num_queries(6 * 5 + 4):
        health.health_poll_due()


# ---------------------------------------------------------------- pages and API


def test_list_and_page_show_the_score_its_reasons_and_the_history(owner_client, device):
    health.limits_apply(device=device, limits=account_limits(me(**capping("FIRST_WARNING"))))
    listing = owner_client.get("/devices/").content.decode()
    assert 'data-testid="device-health"' in listing and "capping first warning" in listing
    page = owner_client.get(f"/devices/{device.session_name}/health")
    assert page.status_code == 200
    body = page.content.decode()
    assert ">75<" in body and "capping first warning" in body and "10 of 100 new chats this cycle" in body
    assert body.count('data-testid="health-event"') == 1 and "No capping" not in body
    assert "sandbox-signal" not in body  # not a sandbox device


def test_health_page_and_signal_are_per_workspace_and_role(owner_client, agent_client, outsider_client, device):
    url = f"/devices/{device.session_name}/health"
    assert outsider_client.get(url).status_code == 404
    signal = f"/devices/{device.session_name}/sandbox-signal"
    assert outsider_client.post(signal, {"signal": "capped"}).status_code == 404
    assert agent_client.get(url).status_code == 403
    assert agent_client.post(signal, {"signal": "capped"}).status_code == 403
    assert owner_client.post(url).status_code == 405


def test_api_shows_health_fields_to_its_workspace_only(owner_api, outsider_api, device):
    rows = owner_api.get("/api/devices").json()["results"]
    assert rows[0]["health_score"] is None and rows[0]["capping_status"] is None
    health.limits_apply(device=device, limits=account_limits(me(**capping("SECOND_WARNING"))))
    health.send_error_record(device=device, exc=WahaLimited("463", signal="timelock"))
    data = owner_api.get(f"/api/devices/{device.session_name}").json()
    assert data["health_score"] == 0 and data["capping_status"] == "SECOND_WARNING"
    assert data["health_reasons"].startswith("reach-out timelock; capping second warning")
    assert data["timelock_until"] is not None
    assert outsider_api.get(f"/api/devices/{device.session_name}").status_code == 404
    assert outsider_api.get("/api/devices").json()["results"] == []


def test_sandbox_controls_play_a_signal_and_the_page_reads_it(owner_client, workspace, emulator):
    owner_client.post("/devices/add", {"label": "Sales"})
    device = Device.objects.get(workspace=workspace)
    emulator.wait_for_status(device.session_name, "SCAN_QR_CODE", timeout=5)
    emulator.scan(device.session_name, phone="6281255550001")
    device_status_apply(device=device, status="WORKING", me={"id": "6281255550001@c.us"})
    page = owner_client.get(f"/devices/{device.session_name}/health").content.decode()
    assert 'data-testid="sandbox-signal"' in page
    response = owner_client.post(f"/devices/{device.session_name}/sandbox-signal", {"signal": "first_warning"})
    assert response.status_code == 302
    assert DeviceHealth.objects.get(device=device).capping_status == "FIRST_WARNING"
    owner_client.post(f"/devices/{device.session_name}/sandbox-signal", {"signal": "timelock"})
    page = owner_client.get(f"/devices/{device.session_name}/health").content.decode()
    assert "capping first warning" in page and "No new chats until" in page
