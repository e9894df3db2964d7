"""Files customers send (issue 12 #2, #12, #21): only raster images inline, the rest as inert downloads;
media fetched only from the device's own WAHA; a hostile file name neither escapes nor loses the file."""
import pytest
import responses
from django.urls import reverse

from inbox.models import Message
from tests.inbox.conftest import WAHA, envelope

pytestmark = pytest.mark.django_db
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="fetch(\'/api/contacts/export\')"></svg>'


def receive(device, waha, deliver, *, mimetype, body, filename=None, url=None):
    url = url or f"{WAHA}/api/files/alpha-1/F{len(Message.objects.all())}.bin"
    if url.startswith(WAHA):
        waha.add(responses.GET, url, body=body, content_type=mimetype)
    media = {"url": url, "mimetype": mimetype, **({"filename": filename} if filename else {})}
    deliver(device, envelope("file", media=media))
    return Message.objects.order_by("-pk").first()


def test_an_svg_from_a_customer_is_never_shown_inline(owner_client, device, waha, deliver):
    message = receive(device, waha, deliver, mimetype="image/svg+xml", body=SVG, filename="promo.svg")
    assert message.media_type == "document"  # a file link in the thread, never an <img>
    response = owner_client.get(reverse("inbox:message_media", args=[message.pk]))
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    page = owner_client.get(reverse("inbox:chat", args=[message.chat_id])).content.decode()
    assert f'<img class="bubble-img" src="{reverse("inbox:message_media", args=[message.pk])}"' not in page


@pytest.mark.parametrize("mimetype", ["text/html", "application/pdf", "image/svg+xml; charset=utf-8",
                                      "application/xhtml+xml"])
def test_everything_but_raster_images_is_an_inert_download(owner_client, device, waha, deliver, mimetype):
    message = receive(device, waha, deliver, mimetype=mimetype, body=b"<script>alert(1)</script>")
    response = owner_client.get(reverse("inbox:message_media", args=[message.pk]))
    assert response["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response["Content-Security-Policy"] and response["X-Content-Type-Options"] == "nosniff"


def test_a_jpeg_is_still_shown_inline(owner_client, device, waha, deliver):
    message = receive(device, waha, deliver, mimetype="image/jpeg", body=b"\xff\xd8JPEG")
    response = owner_client.get(reverse("inbox:message_media", args=[message.pk]))
    assert response["Content-Type"] == "image/jpeg" and not response["Content-Disposition"].startswith("attach")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_media_urls_of_other_hosts_are_fetched_from_the_devices_own_server(device, waha, deliver):
    waha.add(responses.GET, f"{WAHA}/api/files/alpha-1/EVIL.jpg", body=b"OURS", content_type="image/jpeg")
    message = receive(device, waha, deliver, mimetype="image/jpeg", body=b"",
                      url="https://collector.attacker.example/api/files/alpha-1/EVIL.jpg")
    assert message.media.read() == b"OURS"
    assert not [c for c in waha.calls if "attacker" in c.request.url]


def test_a_payload_pointing_elsewhere_is_refused_and_says_so(device, waha, deliver):
    message = receive(device, waha, deliver, mimetype="image/jpeg", body=b"",
                      url="https://collector.attacker.example/steal")
    assert not message.media and "could not be copied" in message.error
    assert not [c for c in waha.calls if "attacker" in c.request.url]


def test_a_file_named_with_dot_dot_is_stored_safely_and_kept(owner_client, device, waha, deliver, settings):
    message = receive(device, waha, deliver, mimetype="application/pdf", body=b"%PDF-1.4 price list",
                      filename="../../../etc/passwd.pdf")
    assert message.media and ".." not in message.media.name
    assert message.media.read() == b"%PDF-1.4 price list"
    assert message.error == ""
    response = owner_client.get(reverse("inbox:message_media", args=[message.pk]))
    assert "passwd.pdf" in response["Content-Disposition"] and "/" not in response["Content-Disposition"].split(
        "filename")[1]


def test_display_names_and_file_names_are_stored_clean(device, waha, deliver):
    from inbox.models import Chat
    from inbox.waha_events import clean_display_name, clean_file_name

    assert clean_display_name("Budi\u202egnp.exe\x00\n  Santoso") == "Budignp.exe Santoso"
    assert clean_display_name("x" * 500) == "x" * 80
    assert clean_file_name("..\\..\\win.ini") == "win.ini" and clean_file_name("a/b/../c.pdf") == "c.pdf"
    event = envelope("hi")
    event["payload"]["_data"]["Info"]["PushName"] = "\u202eAdmin\u200b Sebar\r\n=HYPERLINK()"
    deliver(device, event)
    chat = Chat.objects.get()
    assert chat.contact.name == "Admin Sebar =HYPERLINK()"
    assert "\u202e" not in chat.contact.name and "\n" not in chat.contact.name
