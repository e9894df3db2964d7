"""The WAHA client end to end against the in-process emulator, for each engine (GOWS, NOWEB, WEBJS).

Covers the device lifecycle, sends and their webhooks (signed, acks matching the send's short id),
error mapping, faults, groups, LIDs, media and the emulator's openapi.json validation.
"""

import base64
import re
import time

import pytest
import requests

from devices.emulator.cli import build_parser
from devices.waha import (
    WahaAuthError,
    WahaBadRequest,
    WahaClient,
    WahaNotFound,
    WahaOutcomeUnknown,
    WahaSessionNotReady,
    WahaUnavailable,
    build_session,
)
from devices.waha_ids import short_id_of
from devices.waha_webhooks import verify
from tests.devices.waha_fixtures import (  # noqa: F401 - the *_fixture imports register `sink` and `waha`
    API_KEY,
    HMAC_KEY,
    ME_PHONE,
    make_emulator,
    sink_fixture,
    waha_fixture,
    working_session,
)

TO = "6289876543210@c.us"
ENVELOPE_KEYS = ["id", "timestamp", "event", "session", "metadata", "me", "payload", "engine", "environment"]


def _short_ids(events):
    return {short_id_of(e["payload"]["id"]) for e in events}


def test_session_lifecycle_to_working(waha, sink):
    server, client = waha
    info = client.session_create("dev1", webhook_url=sink.url, hmac_key=HMAC_KEY)
    assert info["name"] == "dev1" and info["status"] in ("STARTING", "SCAN_QR_CODE")
    assert client.session_me("dev1") is None
    assert client.qr_image("dev1").startswith(b"\x89PNG")
    assert client.qr_raw("dev1").startswith("2@")
    server.scan("dev1", phone=ME_PHONE)
    assert client.session_me("dev1")["id"] == f"{ME_PHONE}@c.us"
    statuses = sink.wait_for(
        lambda evs: (
            [e["payload"]["status"] for e in evs if e["event"] == "session.status"]
            if len([e for e in evs if e["event"] == "session.status"]) >= 3
            else None
        )
    )
    assert statuses == ["STARTING", "SCAN_QR_CODE", "WORKING"]
    working = sink.events("session.status")[-1]
    assert [p["status"] for p in working["payload"]["statuses"]] == ["STARTING", "SCAN_QR_CODE", "WORKING"]
    assert working["payload"]["data"] is None and working["me"]["id"] == f"{ME_PHONE}@c.us"
    assert [s["name"] for s in client.session_list()] == ["dev1"]
    client.session_stop("dev1")
    assert client.session_list(all=False) == [] and client.session_list(all=True)[0]["status"] == "STOPPED"
    client.session_start("dev1")  # still linked: back to WORKING without a QR
    assert server.wait_for_status("dev1", "WORKING")
    client.session_logout("dev1")
    assert server.wait_for_status("dev1", "SCAN_QR_CODE") and client.session_me("dev1") is None
    client.session_delete("dev1")
    with pytest.raises(WahaNotFound):
        client.session_get("dev1")


def test_send_text_acks_match_short_id_and_are_signed(waha, sink):
    server, client = waha
    working_session(server, client, sink)
    sent = client.send_text("dev1", TO, "Halo {Budi}")
    assert sent.chat_id == TO and re.fullmatch(r"3EB0[0-9A-F]{16}", sent.short_id)
    assert sent.id == f"true_{TO}_{sent.short_id}"
    want = {2, 3} if server.engine == "GOWS" else {1, 2, 3}  # GOWS never emits SERVER
    acks = sink.wait_for(
        lambda evs: (
            [e for e in evs if e["event"] == "message.ack"]
            if {e["payload"]["ack"] for e in evs if e["event"] == "message.ack"} == want
            else None
        )
    )
    assert _short_ids(acks) == {sent.short_id}
    assert {e["payload"]["ackName"] for e in acks} == {"SERVER", "DEVICE", "READ"} - (
        {"SERVER"} if server.engine == "GOWS" else set()
    )
    [any_event] = sink.events("message.any")
    message = any_event["payload"]
    assert message["fromMe"] is True and message["source"] == "api" and message["body"] == "Halo {Budi}"
    assert short_id_of(message["id"]) == sent.short_id
    if server.engine == "WEBJS":
        assert (message["from"], message["to"]) == (f"{ME_PHONE}@c.us", TO)
    else:
        assert (message["from"], message["to"]) == (TO, None)
    for post in sink.posts:
        headers = post["headers"]
        assert verify(HMAC_KEY, post["raw"], headers["X-Webhook-Hmac"])
        assert headers["X-Webhook-Hmac-Algorithm"] == "sha512" and headers["User-Agent"] == "WAHA/2026.7.1"
        assert headers["X-Webhook-Timestamp"] == str(post["json"]["timestamp"])
        assert list(post["json"]) == ENVELOPE_KEYS and post["json"]["metadata"] == {"workspace": "3"}
        assert (
            re.fullmatch(r"evt_[0-9a-z]{26}", post["json"]["id"]) and post["json"]["engine"] == server.engine
        )
    assert server.sent()[0]["short_id"] == sent.short_id


def test_acks_may_name_the_chat_by_lid(sink):
    server = make_emulator("NOWEB", ack_lid=True)
    http = build_session()
    try:
        client = WahaClient(server.url, API_KEY, session=http)
        working_session(server, client, sink)
        sent = client.send_text("dev1", TO, "hi")
        acks = sink.wait_for(
            lambda evs: [e for e in evs if e["event"] == "message.ack" and e["payload"]["ack"] == 3]
        )
        assert acks[0]["payload"]["id"].split("_")[1].endswith("@lid")
        assert short_id_of(acks[0]["payload"]["id"]) == sent.short_id
    finally:
        http.close()
        server.stop()


def test_webhook_retried_until_accepted_with_same_ids(waha, sink):
    server, client = waha
    sink.fail_each = 2
    client.session_create("dev1", webhook_url=sink.url, hmac_key=HMAC_KEY)
    first = sink.wait_for(lambda evs: [e for e in evs if e["event"] == "session.status"])[0]
    tries = [p for p in sink.posts if p["json"]["id"] == first["id"]]
    assert [p["answered"] for p in tries] == [500, 500, 200]
    assert len({p["headers"]["X-Webhook-Request-Id"] for p in tries}) == 1


def test_session_not_ready_auth_and_not_found_errors(waha, sink):
    server, client = waha
    client.session_create("dev1", webhook_url=sink.url, hmac_key=HMAC_KEY)
    assert server.wait_for_status("dev1", "SCAN_QR_CODE")
    with pytest.raises(WahaSessionNotReady) as caught:
        client.send_text("dev1", TO, "too early")
    assert (
        str(caught.value)
        == "WAHA session 'dev1': Session status is not as expected (SCAN_QR_CODE, expected WORKING)"
    )
    assert caught.value.is_transient and caught.value.status_code == 422
    with pytest.raises(WahaAuthError) as caught:
        WahaClient(server.url, "wrong", session=client.http).session_get("dev1")
    assert caught.value.status_code == 401 and caught.value.body == {
        "message": "Unauthorized",
        "statusCode": 401,
    }
    with pytest.raises(WahaNotFound):
        client.session_get("nope")
    with pytest.raises(WahaNotFound):  # 422 "Session "nope" does not exist"
        client.send_text("nope", TO, "hi")


def test_a_500_on_send_is_an_unknown_outcome_never_a_retry(waha, sink):
    # The engine failed while sending: by the contract it may or may not have gone out, so the client
    # must not call it "unavailable" (which the engine would retry on another number).
    server, client = waha
    working_session(server, client, sink)
    server.set_faults(send_5xx=1)
    with pytest.raises(WahaOutcomeUnknown) as caught:
        client.send_text("dev1", TO, "hi")
    assert (
        not caught.value.is_transient
        and caught.value.status_code == 500
        and "send_5xx" in caught.value.waha_message
    )
    assert server.sent() == []
    assert client.send_text("dev1", TO, "hi").short_id


def test_gets_retry_on_503_but_sends_do_not(waha, sink):
    server, client = waha
    working_session(server, client, sink)
    server.set_faults(unavailable=2)
    assert client.session_get("dev1")["status"] == "WORKING"  # two 503s absorbed by the GET retry
    server.set_faults(unavailable=1)
    with pytest.raises(WahaUnavailable) as caught:
        client.send_text("dev1", TO, "hi")
    assert caught.value.status_code == 503 and server.sent() == []


def test_a_send_that_times_out_after_it_left_is_unknown_and_did_happen(waha, sink):
    server, client = waha
    working_session(server, client, sink)
    server.set_faults(slow_ms=400)
    impatient = WahaClient(server.url, API_KEY, timeout=(1, 0.1), session=client.http)
    with pytest.raises(WahaOutcomeUnknown):
        impatient.send_text("dev1", TO, "hi")
    with pytest.raises(WahaUnavailable):  # a read (GET) that times out is simply unavailable
        impatient.session_get("dev1")
    server.set_faults(slow_ms=0)
    # The one assertion the old test stopped short of: WhatsApp took the message although we timed out,
    # so sending it "again" would reach the person twice.
    deadline = time.monotonic() + 3
    while not [s for s in server.sent() if s.get("text") == "hi"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len([s for s in server.sent() if s.get("text") == "hi"]) == 1


def test_a_refused_connection_on_send_is_unavailable_nothing_left(waha):
    refused = WahaClient("http://127.0.0.1:9", API_KEY, timeout=(0.5, 0.5), session=build_session())
    with pytest.raises(WahaUnavailable) as caught:
        refused.send_text("dev1", TO, "hi")
    assert caught.value.is_transient


def test_session_fail_fault_emits_failed(waha, sink):
    server, client = waha
    working_session(server, client, sink)
    requests.post(
        f"{server.url}/_emulator/faults", json={"session_fail": "dev1"}, timeout=5
    ).raise_for_status()
    sink.wait_for(
        lambda evs: [e for e in evs if e["event"] == "session.status" and e["payload"]["status"] == "FAILED"]
    )
    assert client.session_get("dev1")["status"] == "FAILED"


def test_check_exists_not_on_whatsapp(waha, sink):
    server, client = waha
    working_session(server, client, sink)
    server.set_faults(not_on_whatsapp=["6285550000000"])
    assert client.check_exists("dev1", "+62 855-5000-0000") == (False, None)
    assert client.check_exists("dev1", "6281234567890") == (True, "6281234567890@c.us")


def test_groups_and_participants_with_hidden_number(waha, sink):
    server, client = waha
    working_session(server, client, sink)
    group = server.add_group(
        "dev1",
        "Reseller Jakarta",
        [{"phone": "6281111111111", "role": "admin"}, {"phone": "6282222222222", "hidden": True}],
        id="120363000000000042@g.us",
    )
    raw = requests.get(f"{server.url}/api/dev1/groups", headers={"X-Api-Key": API_KEY}, timeout=5).json()
    shape = {"NOWEB": dict, "GOWS": list, "WEBJS": list}[server.engine]
    assert isinstance(raw, shape)
    assert client.groups("dev1") == [{"id": group["id"], "name": "Reseller Jakarta", "size": 3}]
    participants = {p["role"]: p for p in client.group_participants("dev1", group["id"])}
    assert participants["admin"] == {"id": "6281111111111@c.us", "pn": "6281111111111@c.us", "role": "admin"}
    hidden = participants["participant"]
    assert hidden["id"].endswith("@lid") and hidden["pn"] is None
    assert client.lid_to_phone("dev1", hidden["id"]) is None  # hidden stays hidden
    assert participants["superadmin"]["pn"] == f"{ME_PHONE}@c.us"


def test_group_send_gets_group_acks(waha, sink):
    server, client = waha
    working_session(server, client, sink)
    group = server.add_group("dev1", "G", [{"phone": "6281111111111"}])
    sent = client.send_text("dev1", group["id"], "hi all")
    acks = sink.wait_for(
        lambda evs: [e for e in evs if e["event"] == "message.ack.group" and e["payload"]["ack"] == 3]
    )
    assert short_id_of(acks[0]["payload"]["id"]) == sent.short_id
    assert acks[0]["payload"]["participant"] == "6281111111111@c.us"
    assert sink.events("message.ack") == []


def test_inbound_from_lid_resolves_through_lids_api(waha, sink):
    server, client = waha
    working_session(server, client, sink)
    payload = server.inbound("dev1", "6283333333333", "Info harga?", lid=True)
    [message] = sink.wait_for(lambda evs: [e for e in evs if e["event"] == "message"])
    assert message["payload"]["id"] == payload["id"] and message["payload"]["fromMe"] is False
    sender = message["payload"]["from"]
    assert sender.endswith("@lid")
    if server.engine == "WEBJS":
        assert message["payload"]["to"] == f"{ME_PHONE}@c.us"
    assert client.lid_to_phone("dev1", sender) == "6283333333333@c.us"
    assert sink.wait_for(lambda evs: [e for e in evs if e["event"] == "message.any"])
    assert client.chat_messages("dev1", "6283333333333@c.us")[0]["body"] == "Info harga?"
    assert len(client.chats("dev1")) == 1


def test_inbound_media_downloads_with_api_key(waha, sink):
    server, client = waha
    working_session(server, client, sink)
    data = base64.b64encode(b"\xff\xd8fake-jpeg").decode()
    payload = server.inbound("dev1", "6284444444444", "lihat", media={"mimetype": "image/jpeg", "data": data})
    assert payload["hasMedia"] is True
    assert client.download_media(payload["media"]["url"]) == b"\xff\xd8fake-jpeg"
    assert requests.get(payload["media"]["url"], timeout=5).status_code == 401


def test_send_image_and_file(waha, sink):
    server, client = waha
    working_session(server, client, sink)
    image = client.send_image(
        "dev1", TO, file={"mimetype": "image/jpeg", "url": "https://cdn.test/a.jpg"}, caption="Promo"
    )
    doc = client.send_file(
        "dev1",
        TO,
        file={"mimetype": "application/pdf", "filename": "k.pdf", "data": base64.b64encode(b"%PDF").decode()},
    )
    assert image.short_id and doc.short_id and image.short_id != doc.short_id
    assert [s["endpoint"] for s in server.sent()] == ["sendImage", "sendFile"]


def test_seen_and_typing(waha, sink):
    server, client = waha
    working_session(server, client, sink)
    assert client.start_typing("dev1", TO) == {"result": True}
    assert client.stop_typing("dev1", TO) == {"result": True}
    client.send_seen("dev1", TO)


def test_pairing_code_then_scan_uses_that_phone(waha, sink):
    server, client = waha
    client.session_create("dev2", webhook_url=sink.url, hmac_key=HMAC_KEY)
    code = client.request_pairing_code("dev2", "+62 812 0000 0099")
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    server.scan("dev2")
    assert client.session_me("dev2")["id"] == "6281200000099@c.us"


def test_create_existing_session_updates_and_starts(waha, sink):
    server, client = waha
    client.session_create("dev1", webhook_url=sink.url, hmac_key=HMAC_KEY)
    info = client.session_create("dev1", webhook_url=sink.url + "?v=2", hmac_key=HMAC_KEY)
    assert info["config"]["webhooks"][0]["url"].endswith("?v=2")


def test_schema_validation_rejects_bad_bodies(waha, sink, caplog):
    server, client = waha
    working_session(server, client, sink)
    headers = {"X-Api-Key": API_KEY}
    bad = requests.post(
        f"{server.url}/api/sendText",
        headers=headers,
        timeout=5,
        json={"session": "dev1", "chatId": 628, "txt": "typo"},
    )
    assert bad.status_code == 400
    assert bad.json()["message"] == [
        "body: 'text' is a required property",
        "chatId: 628 is not of type 'string'",
    ]
    assert "rejected POST /api/sendText" in caplog.text
    missing = requests.post(
        f"{server.url}/api/sendText", headers=headers, json={"chatId": TO, "text": "x"}, timeout=5
    )
    assert (missing.status_code, missing.json()) == (422, {"error": "Session name is required"})
    with pytest.raises(WahaBadRequest) as caught:
        client.session_create("dev9", webhook_url=sink.url, hmac_key="k", events=["message", "message.sent"])
    assert "'message.sent' is not one of" in caught.value.waha_message
    lenient = requests.post(
        f"{server.url}/api/sendText",
        headers=headers,
        timeout=5,
        json={"session": "dev1", "chatId": TO, "text": "x", "reply_to": None, "mentions": []},
    )
    assert lenient.status_code == 201


def test_qr_json_and_ping_health(waha, sink):
    server, client = waha
    client.session_create("dev1", webhook_url=sink.url, hmac_key=HMAC_KEY)
    as_json = requests.get(
        f"{server.url}/api/dev1/auth/qr",
        timeout=5,
        headers={"X-Api-Key": API_KEY, "Accept": "application/json"},
    ).json()
    assert as_json["mimetype"] == "image/png" and base64.b64decode(as_json["data"]).startswith(b"\x89PNG")
    assert requests.get(f"{server.url}/ping", timeout=5).json() == {"message": "pong"}
    assert requests.get(f"{server.url}/health", timeout=5).status_code == 401
    assert client.ping() == {"message": "pong"}


def test_control_api_over_http(waha, sink):
    server, client = waha
    client.session_create("dev1", webhook_url=sink.url, hmac_key=HMAC_KEY)
    assert server.wait_for_status("dev1", "SCAN_QR_CODE")
    scanned = requests.post(
        f"{server.url}/_emulator/sessions/dev1/scan", json={"phone": "6281299999999"}, timeout=5
    )
    assert scanned.json()["me"]["id"] == "6281299999999@c.us"
    inbound = requests.post(
        f"{server.url}/_emulator/sessions/dev1/inbound",
        timeout=5,
        json={"from": "6285555555555", "text": "halo"},
    )
    assert inbound.status_code == 201
    assert requests.post(f"{server.url}/_emulator/faults", json={"bogus": 1}, timeout=5).status_code == 400
    client.send_text("dev1", TO, "x")
    assert len(requests.get(f"{server.url}/_emulator/sent", timeout=5).json()) == 1
    requests.post(f"{server.url}/_emulator/reset", timeout=5).raise_for_status()
    assert client.session_list() == []


def test_cli_parser_defaults():
    args = build_parser().parse_args(["--port", "3001", "--engine", "noweb", "--api-key", "k"])
    assert (args.port, args.engine, args.api_key) == (3001, "NOWEB", "k")
