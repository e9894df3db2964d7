"""The site-wide Content-Security-Policy (issue 12 #2): on every page, strict, kept off nothing a browser renders,
and never replacing the stricter header of a customer's file. The browser side (nothing on any page is
blocked, moved behaviour still works) is tests/browser/test_csp.py."""
import re
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def directives(response):
    policy = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


def test_pages_carry_a_strict_policy(client, owner_client):
    for response in (client.get("/login/"), owner_client.get("/"), owner_client.get("/contacts/")):
        assert response.status_code == 200
        policy = directives(response)
        assert policy["default-src"] == ["'self'"]
        assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
        assert policy["img-src"] == ["'self'", "data:"]
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
        assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
        assert "unsafe" not in response["Content-Security-Policy"]


def test_error_pages_carry_it_too(client, owner_client):
    # The 404 page, and the 405 page a middleware builds in place of the view's blank answer.
    assert "script-src 'self'" in client.get("/no-such-page/")["Content-Security-Policy"]
    not_a_page = owner_client.get("/billing/choose/")
    assert not_a_page.status_code == 405
    assert "script-src 'self'" in not_a_page["Content-Security-Policy"]


def test_a_customers_file_keeps_its_own_sandboxing_policy(owner_client, workspace, settings, tmp_path):
    from devices.models import Device, WahaServer
    from inbox.models import Chat, Message

    settings.MEDIA_ROOT = tmp_path
    server = WahaServer.objects.create(name="csp", base_url="http://127.0.0.1:9")
    device = Device.objects.create(workspace=workspace, server=server, session_name="csp-media")
    chat = Chat.objects.create(workspace=workspace, device=device, phone="628999000111")
    message = Message.objects.create(workspace=workspace, chat=chat, device=device, direction="in",
                                     sender="customer", timestamp=timezone.now(), short_id="CSPM1",
                                     media_type="document", media_mimetype="image/svg+xml", media_filename="x.svg")
    message.media.save("x.svg", ContentFile(b"<svg xmlns='http://www.w3.org/2000/svg'/>"))
    response = owner_client.get(reverse("inbox:message_media", args=[message.pk]))
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    message.media_mimetype = "image/png"
    message.save()
    response = owner_client.get(reverse("inbox:message_media", args=[message.pk]))
    assert response["Content-Security-Policy"] == "default-src 'none'; img-src 'self'; sandbox"


# What the policy blocks, written into a template: inline scripts and handlers, style attributes and blocks,
# htmx's hx-on and trigger filters (both evaluated with eval).
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>"
    r"|\son[a-z]+\s*=|\sstyle\s*=|<style[\s>]|\shx-on|hx-trigger=\"[^\"]*\["
    r"|javascript:", re.IGNORECASE)


def test_no_template_holds_what_the_policy_blocks():
    found = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        text = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}", "", template.read_text(), flags=re.S)
        found += [f"{template.relative_to(TEMPLATES)}: {m.group(0).strip()}" for m in INLINE.finditer(text)]
    assert not found, "blocked by the Content-Security-Policy; use static/ and data- attributes:\n" + "\n".join(found)
