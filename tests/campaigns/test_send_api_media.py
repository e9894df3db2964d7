"""Attachments of the Send API: an upload, or a media_url the server fetches through the SSRF guard (loopback and
private addresses refused, also behind a redirect; size and type limits); the engine sends the message's own file."""
import ipaddress
from datetime import timedelta

import pytest
import responses
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from campaigns import api_messages, media_fetch
from campaigns.media import IMAGE_MAX_BYTES
from campaigns.models import ApiMessage, Campaign, Recipient

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PUBLIC = "93.184.215.14"


@pytest.fixture
def dns(monkeypatch):
    """Host names resolve to what the test says (public unless named in `answers`), without a real DNS."""
    answers = {}

    def resolve(host, port):
        try:
            return [str(ipaddress.ip_address(host.strip("[]")))]  # an address literal is itself
        except ValueError:
            return [answers.get(host, PUBLIC)]

    monkeypatch.setattr("config.outbound._resolve", resolve)
    return answers


@pytest.fixture
def device(workspace):
    from devices.models import Device, WahaServer

    server = WahaServer.objects.create(name="m", base_url="http://waha.invalid", api_key="k")
    return Device.objects.create(workspace=workspace, session_name="main", server=server, phone_number="6281100000001",
                                 status=Device.Status.CONNECTED, waha_status="WORKING")


def post(client, body, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post("/api/messages", body, format="json", **headers)


@responses.activate
def test_a_media_url_is_fetched_and_kept_with_the_message(owner_api, device, dns):
    responses.get("https://shop.example.com/img/nota.png", body=PNG, content_type="image/png")
    response = post(owner_api, {"to": "081234567890", "text": "Nota", "media_url": "https://shop.example.com/img/nota.png"},
                    key="nota-1")
    assert response.status_code == 202, response.json()
    assert response.json()["media"] is True
    message = ApiMessage.objects.get()
    assert message.media.name.endswith(".png") and message.media.read() == PNG
    # A retry under the same key answers the message without fetching the file again.
    again = post(owner_api, {"to": "081234567890", "text": "Nota", "media_url": "https://shop.example.com/img/nota.png"},
                 key="nota-1")
    assert again.status_code == 200 and len(responses.calls) == 1


@responses.activate
def test_a_name_without_extension_takes_the_content_type(owner_api, device, dns):
    responses.get("https://cdn.example.com/f/123", body=b"%PDF-1.4 ...", content_type="application/pdf")
    assert post(owner_api, {"to": "081234567890", "media_url": "https://cdn.example.com/f/123"}).status_code == 202
    assert ApiMessage.objects.get().media.name.endswith(".pdf")


@pytest.mark.parametrize("url", ["http://127.0.0.1/a.png", "http://[::1]/a.png", "http://169.254.169.254/latest",
                                 "http://10.0.0.7/a.png"])
@responses.activate
def test_loopback_private_and_link_local_addresses_are_refused(owner_api, device, url):
    response = post(owner_api, {"to": "081234567890", "text": "x", "media_url": url})
    assert response.status_code == 400 and response.json()["error"] == "outbound_refused"
    assert "media_url" in response.json()["fields"]
    assert len(responses.calls) == 0 and not Recipient.objects.exists()


@responses.activate
def test_a_host_that_resolves_to_a_private_address_is_refused(owner_api, device, dns):
    dns["intranet.example.com"] = "192.168.1.10"
    response = post(owner_api, {"to": "081234567890", "media_url": "https://intranet.example.com/a.png"})
    assert response.json()["error"] == "outbound_refused" and len(responses.calls) == 0


@responses.activate
def test_a_redirect_to_a_private_address_is_refused(owner_api, device, dns):
    responses.get("https://shop.example.com/a.png", status=302,
                  headers={"Location": "http://169.254.169.254/latest/meta-data"})
    response = post(owner_api, {"to": "081234567890", "media_url": "https://shop.example.com/a.png"})
    assert response.status_code == 400 and response.json()["error"] == "outbound_refused"
    assert [c.request.url for c in responses.calls] == ["https://shop.example.com/a.png"]


@responses.activate
def test_a_redirect_to_a_public_address_is_followed_a_few_times(owner_api, device, dns):
    responses.get("https://a.example.com/x.png", status=301, headers={"Location": "https://b.example.com/x.png"})
    responses.get("https://b.example.com/x.png", body=PNG, content_type="image/png")
    assert post(owner_api, {"to": "081234567890", "media_url": "https://a.example.com/x.png"}).status_code == 202
    for n in range(media_fetch.MAX_REDIRECTS + 1):
        responses.get(f"https://loop.example.com/{n}", status=302,
                      headers={"Location": f"https://loop.example.com/{n + 1}"})
    looping = post(owner_api, {"to": "081234567890", "media_url": "https://loop.example.com/0"})
    assert looping.json()["error"] == "media_fetch_failed" and looping.json()["fields"] == {"media_url": "redirects"}


@responses.activate
def test_too_large_a_file_is_refused(owner_api, device, dns):
    responses.get("https://shop.example.com/big.png", body=PNG + b"\x00" * IMAGE_MAX_BYTES, content_type="image/png")
    response = post(owner_api, {"to": "081234567890", "media_url": "https://shop.example.com/big.png"})
    assert response.status_code == 400 and response.json()["fields"] == {"media_url": "too_large"}
    assert not ApiMessage.objects.exists()


@pytest.mark.parametrize("status, body, content_type, reason", [
    (404, b"nope", "text/html", "status"),
    (200, b"<html></html>", "text/html", "type"),
])
@responses.activate
def test_no_file_or_not_a_file_we_send_is_refused(owner_api, device, dns, status, body, content_type, reason):
    responses.get("https://shop.example.com/page", status=status, body=body, content_type=content_type)
    response = post(owner_api, {"to": "081234567890", "media_url": "https://shop.example.com/page"})
    assert response.json()["error"] == "media_fetch_failed" and response.json()["fields"] == {"media_url": reason}


@responses.activate
def test_a_renamed_file_is_refused(owner_api, device, dns):
    responses.get("https://shop.example.com/fake.png", body=b"GIF89a not a png", content_type="image/png")
    response = post(owner_api, {"to": "081234567890", "media_url": "https://shop.example.com/fake.png"})
    assert response.status_code == 400 and response.json()["error"] == "media_invalid"


def test_an_upload_goes_with_the_message(owner_api, device):
    upload = SimpleUploadedFile("nota.png", PNG, content_type="image/png")
    response = owner_api.post("/api/messages", {"to": "081234567890", "text": "Nota", "media": upload},
                              format="multipart", HTTP_IDEMPOTENCY_KEY="u1")
    assert response.status_code == 202, response.json()
    again = owner_api.post("/api/messages", {"to": "081234567890", "text": "Nota",
                                             "media": SimpleUploadedFile("nota.png", PNG, content_type="image/png")},
                           format="multipart", HTTP_IDEMPOTENCY_KEY="u1")
    assert again.status_code == 200
    changed = SimpleUploadedFile("nota.png", PNG + b"1", content_type="image/png")
    other = owner_api.post("/api/messages", {"to": "081234567890", "text": "Nota", "media": changed},
                           format="multipart", HTTP_IDEMPOTENCY_KEY="u1")
    assert other.status_code == 422  # another file under the same key
    assert ApiMessage.objects.get().media.read() == PNG


def test_the_engine_sends_the_messages_own_file(driver, waha, workspace, make_device):
    from .test_send_api_engine import _at_local

    make_device(workspace)
    driver.traveller.move_to(_at_local(workspace, 10))
    message, _ = driver.call(api_messages.api_message_send, workspace=workspace, to="081234567890", text="Nota",
                             media=SimpleUploadedFile("nota.png", PNG, content_type="image/png"))
    Campaign.objects.filter(kind=Campaign.Kind.API).update(delay_min=0, delay_max=0, typing_simulation=False)
    driver.run(until=timezone.now() + timedelta(seconds=30))
    sent = waha.sent()
    assert [s["endpoint"] for s in sent] == ["sendImage"] and sent[0]["file"]["filename"] == "nota.png"
    assert Recipient.objects.get(pk=message.recipient_id).status == Recipient.Status.SENT
