"""WahaClient and waha_ids against each engine's raw shapes (API.md §3–§5), faked with ``responses``.

The end-to-end runs against the emulator are in test_waha_emulator.py.
"""

import json

import pytest
import requests
import responses

from devices.waha import (
    DEFAULT_EVENTS,
    SentMessage,
    WahaAuthError,
    WahaBadRequest,
    WahaClient,
    WahaNotFound,
    WahaOutcomeUnknown,
    WahaSessionNotReady,
    WahaUnavailable,
)
from devices.waha_ids import (
    chat_id_for_phone,
    normalize_jid,
    parse_message_id,
    phone_of_chat_id,
    serialized_id_of,
    short_id_of,
)

BASE = "http://waha.test:3000"
CHAT = "6281234567890@c.us"
SHORT = "3EB0ABCDEF123456"

GOWS_SEND = {"id": f"true_{CHAT}_{SHORT}", "_data": {"Info": {"ID": SHORT}}}
NOWEB_SEND = {
    "key": {"remoteJid": "6281234567890@s.whatsapp.net", "fromMe": True, "id": SHORT},
    "message": {"extendedTextMessage": {"text": "Hi"}},
    "messageTimestamp": "1738070128",
    "status": "PENDING",
}
WEBJS_SEND = {
    "_data": {},
    "id": {"fromMe": True, "remote": CHAT, "id": SHORT, "_serialized": f"true_{CHAT}_{SHORT}"},
    "ack": 0,
    "body": "Hi",
    "type": "chat",
    "timestamp": 1738070128,
    "from": "79111111111@c.us",
    "to": CHAT,
}


@pytest.fixture
def client():
    return WahaClient(BASE, "k3y", session=requests.Session())


@pytest.fixture
def mocked():
    with responses.RequestsMock() as rsps:
        yield rsps


# -- waha_ids


def test_parse_message_id_dm_and_group():
    assert parse_message_id(f"true_{CHAT}_{SHORT}") == (True, CHAT, SHORT, None)
    assert parse_message_id(f"false_123@g.us_{SHORT}_999@lid") == (False, "123@g.us", SHORT, "999@lid")
    with pytest.raises(ValueError):
        parse_message_id("3EB0")
    with pytest.raises(ValueError):
        parse_message_id("maybe_x@c.us_1")


def test_short_id_of_every_shape():
    assert short_id_of(f"true_{CHAT}_{SHORT}") == SHORT
    assert short_id_of(f"true_555@lid_{SHORT}") == SHORT  # ack with the chat as @lid: same short id
    assert short_id_of(SHORT) == SHORT
    for raw in (GOWS_SEND, NOWEB_SEND, WEBJS_SEND):
        assert short_id_of(raw) == SHORT
    assert short_id_of(None) is None
    assert short_id_of({}) is None


def test_serialized_id_of_builds_noweb_id_with_c_us():
    assert serialized_id_of(NOWEB_SEND) == f"true_{CHAT}_{SHORT}"
    assert serialized_id_of(None) is None
    assert serialized_id_of("") is None


def test_empty_webjs_body_gives_no_short_id():
    for empty in (None, "", {}):
        sent = SentMessage.from_response(empty, CHAT)
        assert (sent.id, sent.short_id, sent.chat_id) == (None, None, CHAT)


def test_phone_helpers():
    assert chat_id_for_phone("+62 812-3456-7890") == CHAT
    with pytest.raises(ValueError):
        chat_id_for_phone("+")
    assert phone_of_chat_id(CHAT) == "6281234567890"
    assert phone_of_chat_id("6281234567890:12@s.whatsapp.net") == "6281234567890"
    assert phone_of_chat_id("123@lid") is None
    assert phone_of_chat_id("123@g.us") is None
    assert normalize_jid("6281234567890:3@s.whatsapp.net") == CHAT


# -- sending


@pytest.mark.parametrize("raw", [GOWS_SEND, NOWEB_SEND, WEBJS_SEND], ids=["GOWS", "NOWEB", "WEBJS"])
def test_send_text_normalises_each_engine(client, mocked, raw):
    mocked.post(f"{BASE}/api/sendText", json=raw, status=201)
    sent = client.send_text("dev1", CHAT, "Hi", reply_to=f"false_{CHAT}_AAA")
    assert (sent.id, sent.short_id, sent.chat_id) == (f"true_{CHAT}_{SHORT}", SHORT, CHAT)
    assert sent.raw == raw
    request = mocked.calls[0].request
    assert request.headers["X-Api-Key"] == "k3y"
    assert json.loads(request.body) == {
        "session": "dev1",
        "chatId": CHAT,
        "text": "Hi",
        "linkPreview": True,
        "reply_to": f"false_{CHAT}_AAA",
    }


def test_send_text_empty_webjs_body(client, mocked):
    mocked.post(f"{BASE}/api/sendText", body="", status=201)
    sent = client.send_text("dev1", CHAT, "Hi")
    assert sent.short_id is None and sent.id is None and sent.chat_id == CHAT


def test_send_image_puts_file_and_caption_in_body(client, mocked):
    mocked.post(f"{BASE}/api/sendImage", json=GOWS_SEND, status=201)
    client.send_image(
        "dev1",
        CHAT,
        file={"mimetype": "image/jpeg", "filename": "a.jpg", "url": "https://x/a.jpg"},
        caption="Promo",
    )
    body = json.loads(mocked.calls[0].request.body)
    assert body["file"] == {"mimetype": "image/jpeg", "filename": "a.jpg", "url": "https://x/a.jpg"}
    assert body["caption"] == "Promo" and body["session"] == "dev1"
    with pytest.raises(ValueError):
        client.send_file("dev1", CHAT, file={"filename": "no-mimetype.pdf", "url": "https://x"})


# -- errors


def test_401_is_auth_error(client, mocked):
    mocked.get(f"{BASE}/api/sessions/dev1", json={"message": "Unauthorized", "statusCode": 401}, status=401)
    with pytest.raises(WahaAuthError) as caught:
        client.session_get("dev1")
    assert caught.value.status_code == 401 and not caught.value.is_transient
    assert str(caught.value) == "WAHA session 'dev1': Unauthorized"


def test_404_is_not_found(client, mocked):
    mocked.get(
        f"{BASE}/api/sessions/gone",
        status=404,
        json={"message": "Session not found", "error": "Not Found", "statusCode": 404},
    )
    with pytest.raises(WahaNotFound) as caught:
        client.session_get("gone")
    assert caught.value.waha_message == "Session not found"


def test_422_not_ready_names_session_and_status(client, mocked):
    mocked.post(
        f"{BASE}/api/sendText",
        status=422,
        json={
            "error": "Session status is not as expected. Try again later or restart the session",
            "session": "ws3-dev1",
            "status": "SCAN_QR_CODE",
            "expected": ["WORKING"],
        },
    )
    with pytest.raises(WahaSessionNotReady) as caught:
        client.send_text("ws3-dev1", CHAT, "Hi")
    error = caught.value
    assert (
        str(error)
        == "WAHA session 'ws3-dev1': Session status is not as expected (SCAN_QR_CODE, expected WORKING)"
    )
    assert error.is_transient and error.status == "SCAN_QR_CODE" and error.session == "ws3-dev1"


def test_422_other_and_400_list_are_bad_request(client, mocked):
    mocked.post(f"{BASE}/api/sendText", status=422, json={"error": "Session name is required"})
    mocked.post(
        f"{BASE}/api/sessions",
        status=400,
        json={
            "statusCode": 400,
            "message": ["config.webhooks.0.url must be a URL address", "x"],
            "error": "Bad Request",
        },
    )
    with pytest.raises(WahaBadRequest) as caught:
        client.send_text("", CHAT, "Hi")
    assert caught.value.waha_message == "Session name is required" and not caught.value.is_transient
    with pytest.raises(WahaBadRequest) as caught:
        client.session_create("dev1", webhook_url="nope", hmac_key="k")
    assert caught.value.waha_message == "config.webhooks.0.url must be a URL address; x"


def test_500_on_a_send_is_an_unknown_outcome_with_wahas_words(client, mocked):
    mocked.post(
        f"{BASE}/api/sendText",
        status=500,
        json={
            "statusCode": 500,
            "timestamp": "2026-07-01T00:00:00Z",
            "exception": {"message": "Connection Closed", "name": "Error", "stack": "..."},
            "request": {"path": "/api/sendText", "method": "POST", "body": {}, "query": {}},
            "version": {},
        },
    )
    with pytest.raises(WahaOutcomeUnknown) as caught:
        client.send_text("dev1", CHAT, "Hi")
    assert caught.value.waha_message == "Connection Closed" and not caught.value.is_transient
    assert caught.value.status_code == 500


def test_network_error_is_unavailable(client, mocked):
    mocked.get(f"{BASE}/ping", body=requests.ConnectionError("refused"))
    with pytest.raises(WahaUnavailable) as caught:
        client.ping()
    assert caught.value.is_transient and caught.value.status_code is None


# -- sessions


def test_session_create_sends_start_and_signed_webhook(client, mocked):
    mocked.post(f"{BASE}/api/sessions", json={"name": "dev1", "status": "STARTING"}, status=201)
    client.session_create(
        "dev1", webhook_url="https://sebar.test/webhooks/waha", hmac_key="s3", metadata={"ws": 3}
    )
    body = json.loads(mocked.calls[0].request.body)
    assert body["name"] == "dev1" and body["start"] is True
    webhook = body["config"]["webhooks"][0]
    assert webhook["url"] == "https://sebar.test/webhooks/waha" and webhook["events"] == DEFAULT_EVENTS
    assert webhook["hmac"] == {"key": "s3"} and webhook["retries"]["policy"] == "constant"
    assert body["config"]["metadata"] == {"ws": "3"}


def test_session_create_existing_falls_back_to_put_and_start(client, mocked):
    mocked.post(
        f"{BASE}/api/sessions",
        status=422,
        json={
            "message": "Session 'dev1' already exists. Use PUT to update it.",
            "error": "Unprocessable Entity",
            "statusCode": 422,
        },
    )
    mocked.put(f"{BASE}/api/sessions/dev1", json={"name": "dev1"}, status=200)
    mocked.post(f"{BASE}/api/sessions/dev1/start", json={"name": "dev1", "status": "STARTING"}, status=201)
    assert client.session_create("dev1", webhook_url="https://s.test/h", hmac_key="k")["status"] == "STARTING"
    assert "webhooks" in json.loads(mocked.calls[1].request.body)["config"]


def test_session_me_empty_body_is_none(client, mocked):
    mocked.get(f"{BASE}/api/sessions/dev1/me", body="", status=200)
    assert client.session_me("dev1") is None


# -- contacts, groups, lids


def test_check_exists_uses_get_query(client, mocked):
    mocked.get(f"{BASE}/api/contacts/check-exists", json={"numberExists": False})
    assert client.check_exists("dev1", "+62 811") == (False, None)
    assert mocked.calls[0].request.params == {"phone": "62811", "session": "dev1"}


GROUP = "120363000000000001@g.us"
WEBJS_GROUPS = [
    {
        "id": {"server": "g.us", "user": "120363000000000001", "_serialized": GROUP},
        "name": "Promo",
        "groupMetadata": {
            "subject": "Promo",
            "participants": [
                {"id": {"_serialized": CHAT}, "isAdmin": False, "isSuperAdmin": True},
                {"id": {"_serialized": "5@lid"}, "isAdmin": False, "isSuperAdmin": False},
            ],
        },
    }
]
GOWS_GROUPS = [
    {
        "JID": GROUP,
        "Name": "Promo",
        "Topic": "",
        "Participants": [
            {
                "JID": "6281234567890@s.whatsapp.net",
                "PhoneNumber": "",
                "LID": "1@lid",
                "IsAdmin": True,
                "IsSuperAdmin": True,
            },
            {"JID": "5@lid", "PhoneNumber": "", "LID": "5@lid", "IsAdmin": False},
        ],
    }
]
NOWEB_GROUPS = {
    GROUP: {
        "id": GROUP,
        "subject": "Promo",
        "size": 2,
        "participants": [
            {"id": "6281234567890@s.whatsapp.net", "admin": "superadmin"},
            {"id": "5@lid", "admin": None},
        ],
    }
}


@pytest.mark.parametrize("raw", [WEBJS_GROUPS, GOWS_GROUPS, NOWEB_GROUPS], ids=["WEBJS", "GOWS", "NOWEB"])
def test_groups_normalised_per_engine(client, mocked, raw):
    mocked.get(f"{BASE}/api/dev1/groups", json=raw)
    assert client.groups("dev1") == [{"id": GROUP, "name": "Promo", "size": 2}]


def test_group_participants_url_encodes_and_normalises(client, mocked):
    mocked.get(
        f"{BASE}/api/dev1/groups/120363000000000001%40g.us/participants/v2",
        json=[{"id": "5@lid", "role": "participant"}, {"id": CHAT, "pn": CHAT, "role": "superadmin"}],
    )
    assert client.group_participants("dev1", GROUP) == [
        {"id": "5@lid", "pn": None, "role": "participant"},
        {"id": CHAT, "pn": CHAT, "role": "superadmin"},
    ]


def test_lid_to_phone(client, mocked):
    mocked.get(f"{BASE}/api/dev1/lids/5%40lid", json={"lid": "5@lid", "pn": CHAT})
    mocked.get(f"{BASE}/api/dev1/lids/6%40lid", json={"lid": "6@lid", "pn": None})
    assert client.lid_to_phone("dev1", "5@lid") == CHAT
    assert client.lid_to_phone("dev1", "6@lid") is None


def test_download_media_fetches_the_file_path_from_our_own_server_only(client, mocked):
    # media.url carries WAHA's WAHA_BASE_URL (localhost, a public name, or anything a payload says):
    # the file is fetched from the server this client talks to, and the key goes nowhere else.
    mocked.get(f"{BASE}/api/files/dev1/x.jpg", body=b"JPEG")
    assert client.download_media("http://waha.public:3000/api/files/dev1/x.jpg") == b"JPEG"
    assert client.download_media("https://attacker.example/api/files/dev1/x.jpg") == b"JPEG"
    assert all(c.request.url.startswith(BASE) for c in mocked.calls)
    assert mocked.calls[0].request.headers["X-Api-Key"] == "k3y"
    for bad in ("https://attacker.example/collect", "/api/sessions", "/api/files/../sessions/x"):
        with pytest.raises(WahaBadRequest):
            client.download_media(bad)
    assert len(mocked.calls) == 2
