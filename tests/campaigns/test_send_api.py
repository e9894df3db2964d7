"""The Send API (issue 15): POST /api/messages queues a row of the hidden API campaign, answers 202 with its id, and
never makes a second message for a retried Idempotency-Key; GET gives its state; bulk answers each item; keys need
the `send` scope; another workspace never sees a message. The engine's side is test_send_api_engine.py."""
import threading
from datetime import timedelta

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from campaigns import api_messages
from campaigns.models import ApiMessage, Campaign, Recipient
from contacts.models import Contact
from devices.models import Device, DeviceHealth, WahaServer
from integrations.services import apikey_create

from ..integrations.conftest import key_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def server(db):
    return WahaServer.objects.create(name="send-api", base_url="http://waha.invalid", api_key="k")


@pytest.fixture
def device_of(server):
    def make(workspace, name, score=None, connected=True):
        device = Device.objects.create(workspace=workspace, session_name=name, server=server, label=name,
                                       phone_number="62811" + str(abs(hash(name)) % 10 ** 7).zfill(7),
                                       status=Device.Status.CONNECTED if connected else Device.Status.DISCONNECTED,
                                       waha_status="WORKING")
        if score is not None:
            DeviceHealth.objects.create(workspace=workspace, device=device, score=score)
        return device
    return make


@pytest.fixture
def device(workspace, device_of):
    return device_of(workspace, "main")


@pytest.fixture
def send_key(workspace, owner):
    return apikey_create(workspace=workspace, actor=owner, name="Shop", scopes=["send"])[1]


def post(client, body, key=None, **extra):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post("/api/messages", body, format="json", **headers, **extra)


def test_a_message_is_queued_as_a_row_of_the_hidden_api_campaign(owner_api, workspace, device):
    Contact.objects.create(workspace=workspace, phone="6281234567890", name="Budi", custom_fields={"city": "Solo"})
    response = post(owner_api, {"to": "0812-3456-7890", "text": "Halo [name], dari [city]"})
    assert response.status_code == 202, response.json()
    body = response.json()
    assert body["status"] == "queued" and body["to"] == "6281234567890" and body["device"] == "main"
    assert body["text"] == "Halo Budi, dari Solo"
    row = Recipient.objects.get(message_key=body["id"])
    assert row.campaign.kind == Campaign.Kind.API and row.campaign.status == Campaign.Status.PROCESSING
    assert row.status == Recipient.Status.PENDING and row.prefer_device == device
    assert list(row.campaign.devices.all()) == [device]
    # Not a campaign anyone made: no list, no dashboard count shows it.
    assert owner_api.get("/api/campaigns").json()["count"] == 0
    assert owner_api.get(f"/api/campaigns/{row.campaign_id}").status_code == 404


def test_many_messages_to_one_phone_share_the_one_api_campaign(owner_api, device):
    ids = {post(owner_api, {"to": "+62 812 3456 7890", "text": f"Kode {n}"}).json()["id"] for n in range(3)}
    assert len(ids) == 3
    assert Campaign.objects.filter(kind=Campaign.Kind.API).count() == 1
    assert Recipient.objects.filter(phone="6281234567890").count() == 3


def test_an_unknown_number_fills_variables_with_their_defaults(owner_api, device):
    body = post(owner_api, {"to": "081234567890", "text": "{Hai|Hai} [name|Kak] ([phone])"}).json()
    assert body["text"] == "Hai Kak (6281234567890)"


# ---------------------------------------------------------------- idempotency


def test_the_same_key_twice_is_the_same_message_and_one_row(owner_api, device):
    first = post(owner_api, {"to": "081234567890", "text": "Pesanan #1"}, key="order-1")
    again = post(owner_api, {"to": "+62 812-3456-7890", "text": "Pesanan #1"}, key="order-1")  # same number
    assert first.status_code == 202 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"] and again["Idempotent-Replayed"] == "true"
    assert Recipient.objects.count() == 1 and ApiMessage.objects.count() == 1


def test_the_same_key_with_another_body_is_refused(owner_api, device):
    post(owner_api, {"to": "081234567890", "text": "Pesanan #1"}, key="order-1")
    response = post(owner_api, {"to": "081234567890", "text": "Pesanan #2"}, key="order-1")
    assert response.status_code == 422
    assert response.json()["error"] == "idempotency_key_reused"
    assert Recipient.objects.count() == 1


def test_keys_are_per_workspace(owner_api, outsider_api, device, other_workspace, device_of):
    device_of(other_workspace, "theirs")
    mine = post(owner_api, {"to": "081234567890", "text": "A"}, key="k1").json()["id"]
    theirs = post(outsider_api, {"to": "081234567890", "text": "B"}, key="k1")
    assert theirs.status_code == 202 and theirs.json()["id"] != mine


def test_a_lost_insert_race_answers_the_winners_message(workspace, device, monkeypatch):
    """Two retries that both passed the look-up: the unique key lets one INSERT win, the other answers its row."""
    first, _ = api_messages.api_message_send(workspace=workspace, to="081234567890", text="X", idempotency_key="r")
    real = api_messages.api_message_replay
    calls = []

    def blind_once(ws, key, digest):  # the second request looked before the first one committed
        calls.append(key)
        return None if len(calls) == 1 else real(ws, key, digest)

    monkeypatch.setattr(api_messages, "api_message_replay", blind_once)
    second, created = api_messages.api_message_send(workspace=workspace, to="081234567890", text="X",
                                                    idempotency_key="r")
    assert not created and second.pk == first.pk and len(calls) == 2
    assert Recipient.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_make_one_message(workspace, device, monkeypatch):
    """Threads with their own connections post the same key at once (on SQLite they queue for the write lock;
    on MariaDB the unique index decides): one message, every answer names it, its number woken once."""
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(("file:memorydb", ":memory:")):
        pytest.skip("threads cannot share SQLite's in-memory test database")
    woken = []
    monkeypatch.setattr(api_messages.engine, "start_chain", woken.append)  # no engine here: the rows are the test
    answers, errors = [], []

    def send():
        try:
            message, _ = api_messages.api_message_send(workspace=workspace, to="081234567890", text="OTP 1234",
                                                       idempotency_key="otp-1")
            answers.append(message.public_id)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(set(answers)) == 1 and len(answers) == 4
    assert ApiMessage.objects.count() == 1 and Recipient.objects.count() == 1 and woken == [device.pk]
    assert Campaign.objects.filter(kind=Campaign.Kind.API).count() == 1  # made once, under the workspace's lock


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize("body, code, field", [
    ({"to": "halo", "text": "x"}, "invalid_phone", "to"),
    ({"to": "0211234567", "text": "x"}, "invalid_phone", "to"),  # a Jakarta landline
    ({"to": "081234567890", "text": ""}, "invalid", "text"),
    ({"to": "081234567890", "text": "{Hi|Halo"}, "spintax_error", "text"),
    ({"text": "x"}, "invalid", "to"),
    ({"to": "081234567890", "text": "x", "send_at": "2020-01-01T10:00:00Z"}, "send_at_out_of_range", "send_at"),
    ({"to": "081234567890", "text": "x", "send_at": "kemarin"}, "invalid", "send_at"),
    ({"to": "081234567890", "text": "x", "media_url": "ftp://example.com/a.png"}, "outbound_refused", "media_url"),
])
def test_what_is_wrong_is_said_per_field(owner_api, device, body, code, field):
    response = post(owner_api, body)
    assert response.status_code == 400, response.json()
    assert response.json()["error"] == code and field in response.json()["fields"]
    assert not Recipient.objects.exists()


def test_an_opted_out_number_is_refused_unless_transactional(owner_api, workspace, device):
    Contact.objects.create(workspace=workspace, phone="6281234567890", name="Budi", opted_out=True)
    refused = post(owner_api, {"to": "081234567890", "text": "Promo"})
    assert refused.status_code == 422 and refused.json()["error"] == "contact_opted_out"
    sent = post(owner_api, {"to": "081234567890", "text": "Kode 1234", "transactional": True})
    assert sent.status_code == 202 and sent.json()["transactional"] is True
    assert Recipient.objects.get().campaign.kind == Campaign.Kind.API_TRANSACTIONAL


def test_a_key_that_is_not_transactional_cannot_ask_for_it(workspace, device, send_key):
    response = post(key_client(send_key), {"to": "081234567890", "text": "x", "transactional": True})
    assert response.status_code == 403 and response.json()["error"] == "transactional_not_allowed"


def test_no_connected_number_is_409(owner_api, workspace, device_of):
    device_of(workspace, "off", connected=False)
    response = post(owner_api, {"to": "081234567890", "text": "x"})
    assert response.status_code == 409 and response.json()["error"] == "no_devices"
    named = post(owner_api, {"to": "081234567890", "text": "x", "device": "off"})
    assert named.status_code == 409 and named.json()["error"] == "device_not_ready"
    assert post(owner_api, {"to": "081234567890", "text": "x", "device": "nope"}).status_code == 404


# ---------------------------------------------------------------- send_at and the number


def test_send_at_is_kept_on_the_row(owner_api, device):
    when = (timezone.now() + timedelta(hours=2)).replace(microsecond=0)
    body = post(owner_api, {"to": "081234567890", "text": "x", "send_at": when.isoformat()}).json()
    row = Recipient.objects.get(message_key=body["id"])
    assert row.send_at == when and row.prefer_until == when + timedelta(seconds=api_messages.PREFER_SECONDS)


def test_the_number_asked_for_is_the_only_one(owner_api, workspace, device, device_of):
    other = device_of(workspace, "second", score=40)
    body = post(owner_api, {"to": "081234567890", "text": "x", "device": "second"}).json()
    row = Recipient.objects.get(message_key=body["id"])
    assert row.prefer_device == other and row.prefer_until is None  # strict: no other number takes it
    by_id = post(owner_api, {"to": "081234567890", "text": "y", "device": str(other.pk)}).json()
    assert by_id["device"] == "second"


def test_the_healthiest_number_by_default(owner_api, workspace, device_of):
    device_of(workspace, "sick", score=30)
    device_of(workspace, "fine", score=90)
    device_of(workspace, "off", score=100, connected=False)
    assert post(owner_api, {"to": "081234567890", "text": "x"}).json()["device"] == "fine"


def test_the_number_that_already_talks_to_the_person(owner_api, workspace, device_of):
    from inbox.models import Chat

    device_of(workspace, "fine", score=90)
    talks = device_of(workspace, "talks", score=50)
    Chat.objects.create(workspace=workspace, device=talks, phone="6281234567890", customer_wrote_at=timezone.now())
    assert post(owner_api, {"to": "081234567890", "text": "x"}).json()["device"] == "talks"
    assert post(owner_api, {"to": "081299998888", "text": "x"}).json()["device"] == "fine"


def test_the_number_that_last_sent_to_them(owner_api, workspace, device_of):
    device_of(workspace, "fine", score=90)
    before = device_of(workspace, "before", score=60)
    body = post(owner_api, {"to": "081234567890", "text": "x", "device": "before"}).json()
    Recipient.objects.filter(message_key=body["id"]).update(status=Recipient.Status.SENT, sent_at=timezone.now(),
                                                            device_used=before)
    assert post(owner_api, {"to": "081234567890", "text": "y"}).json()["device"] == "before"


# ---------------------------------------------------------------- GET, bulk, keys, tenants


def test_get_tells_the_state_and_the_reason(owner_api, device):
    body = post(owner_api, {"to": "081234567890", "text": "x"}).json()
    assert owner_api.get(f"/api/messages/{body['id']}").json()["status"] == "queued"
    Recipient.objects.filter(message_key=body["id"]).update(status=Recipient.Status.SKIPPED,
                                                            error_code="not_on_whatsapp")
    failed = owner_api.get(f"/api/messages/{body['id']}").json()
    assert failed["status"] == "failed" and failed["error_code"] == "not_on_whatsapp" and failed["error"]
    Recipient.objects.filter(message_key=body["id"]).update(status=Recipient.Status.READ, error_code="")
    assert owner_api.get(f"/api/messages/{body['id']}").json()["status"] == "read"


def test_another_workspace_cannot_read_my_message(owner_api, outsider_api, other_workspace, device, owner):
    body = post(owner_api, {"to": "081234567890", "text": "x"}).json()
    assert outsider_api.get(f"/api/messages/{body['id']}").status_code == 404
    their_key = apikey_create(workspace=other_workspace, actor=None, name="B", scopes=["send"])[1]
    assert key_client(their_key).get(f"/api/messages/{body['id']}").status_code == 404
    assert owner_api.get(f"/api/messages/{body['id']}").status_code == 200


def test_a_key_needs_the_send_scope(workspace, owner, device):
    reader = apikey_create(workspace=workspace, actor=owner, name="R", scopes=["contacts:read", "campaigns"])[1]
    response = post(key_client(reader), {"to": "081234567890", "text": "x"})
    assert response.status_code == 403 and response.json()["error"] == "api_key_scope_missing"
    assert key_client(reader).post("/api/messages/bulk", {"messages": [{"to": "0812", "text": "x"}]},
                                   format="json").status_code == 403
    assert not Recipient.objects.exists()


def test_a_send_key_sends_and_is_recorded_on_the_message(workspace, device, send_key):
    response = post(key_client(send_key, "x-api-key"), {"to": "081234567890", "text": "x"})
    assert response.status_code == 202, response.json()
    assert ApiMessage.objects.get().api_key_prefix == send_key[:11]
    assert key_client(send_key).get(f"/api/messages/{response.json()['id']}").status_code == 200


def test_agents_cannot_send(agent_api, device):
    assert post(agent_api, {"to": "081234567890", "text": "x"}).status_code == 403


def test_bulk_reports_broken_items_by_index_and_accepts_the_rest(owner_api, workspace, device):
    Contact.objects.create(workspace=workspace, phone="6281200000002", name="Out", opted_out=True)
    items = [{"to": f"08120000{n:04d}", "text": f"Halo {n}"} for n in range(5)]
    items[1] = {"to": "bukan nomor", "text": "x"}
    items[2] = {"to": "081200000002", "text": "x"}  # opted out
    items[3]["unknown_shape"] = True  # extra keys are ignored, as in the single endpoint
    items.append({"text": "no number"})
    response = owner_api.post("/api/messages/bulk", {"messages": items}, format="json")
    assert response.status_code == 202
    body = response.json()
    assert (body["accepted"], body["refused"]) == (3, 3)
    by_index = {r["index"]: r for r in body["results"]}
    assert by_index[1]["error"]["error"] == "invalid_phone"
    assert by_index[2]["error"]["error"] == "contact_opted_out" and by_index[2]["status"] == 422
    assert by_index[5]["error"]["error"] == "invalid" and "to" in by_index[5]["error"]["fields"]
    assert {by_index[i]["status"] for i in (0, 3, 4)} == {202}
    assert Recipient.objects.count() == 3


def test_bulk_items_are_idempotent_by_their_own_key(owner_api, device):
    items = [{"to": "081200000001", "text": "a", "idempotency_key": "a"},
             {"to": "081200000002", "text": "b", "idempotency_key": "b"}]
    first = owner_api.post("/api/messages/bulk", {"messages": items}, format="json").json()
    again = owner_api.post("/api/messages/bulk", {"messages": items}, format="json").json()
    assert [r["status"] for r in again["results"]] == [200, 200]
    assert [r["message"]["id"] for r in again["results"]] == [r["message"]["id"] for r in first["results"]]
    assert Recipient.objects.count() == 2


def test_bulk_takes_at_most_1000(owner_api, device):
    items = [{"to": "081200000001", "text": "a"}] * 1001
    response = owner_api.post("/api/messages/bulk", {"messages": items}, format="json")
    assert response.status_code == 400 and "messages" in response.json()["fields"]


def test_a_transactional_key_sends_transactional_messages_by_default(workspace, owner, device):
    Contact.objects.create(workspace=workspace, phone="6281234567890", name="Budi", opted_out=True)
    otp = apikey_create(workspace=workspace, actor=owner, name="OTP", scopes=["send"], transactional=True)[1]
    response = post(key_client(otp), {"to": "081234567890", "text": "Kode 1234"})
    assert response.status_code == 202 and response.json()["transactional"] is True
    promo = post(key_client(otp), {"to": "081299990000", "text": "Promo", "transactional": False})
    assert promo.json()["transactional"] is False
    assert Recipient.objects.get(message_key=promo.json()["id"]).campaign.kind == Campaign.Kind.API


def test_the_keys_page_makes_a_transactional_key_and_shows_it(owner_client):
    from integrations.models import ApiKey

    owner_client.post("/settings/api-keys/", {"name": "OTP", "scopes": ["send"], "transactional": "on"})
    owner_client.post("/settings/api-keys/", {"name": "Promo", "scopes": ["send"]})
    assert dict(ApiKey.objects.values_list("name", "transactional")) == {"OTP": True, "Promo": False}
    page = owner_client.get("/settings/api-keys/").content.decode()
    assert page.count('data-testid="transactional"') == 1


def test_the_developers_page_shows_the_send_api(owner_client, settings):
    body = owner_client.get("/settings/webhooks/developers/").content.decode()
    assert f"curl -X POST {settings.SITE_URL}/api/messages" in body and "Idempotency-Key: order-1042" in body
    assert 'data-testid="send-api"' in body


def test_a_lapsed_plan_refuses_instead_of_queueing(owner_api, workspace, device):
    from campaigns.services import campaigns_pause_for_billing

    post(owner_api, {"to": "081234567890", "text": "x"})
    campaigns_pause_for_billing(workspace=workspace, plan=None)
    response = post(owner_api, {"to": "081234567890", "text": "y"})
    assert response.status_code == 402 and response.json()["error"] == "paused_by_billing"
    assert Recipient.objects.count() == 1


def test_operators_find_a_message_by_its_idempotency_key(client, owner_api, device):
    from tests.factories import UserFactory

    body = post(owner_api, {"to": "081234567890", "text": "x"}, key="order-77").json()
    client.force_login(UserFactory(email="ops@example.com", is_staff=True, is_superuser=True))
    page = client.get("/admin/campaigns/apimessage/", {"q": "order-77"})
    assert page.status_code == 200 and body["id"] in page.content.decode()
    assert client.get("/admin/campaigns/apimessage/", {"q": "other"}).content.decode().count(body["id"]) == 0
