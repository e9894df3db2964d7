"""Send later in the chat (#13): the composer's folded "Send later" field with the campaign composer's picker,
the scheduled bubble with its time and Cancel, at a laptop's and a phone's width, under the strict CSP."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Membership, User, Workspace
from devices.models import Device, WahaServer
from inbox.models import Chat, Message
from tests.browser.conftest import ARTIFACTS, open_watched, sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1366, 390])
def test_schedule_then_cancel(browser, live_server, width):
    workspace = Workspace.objects.create(name="Toko Maju", time_zone="Asia/Jakarta")
    owner = User.objects.create_user("maju@example.com", PASSWORD, full_name="Maju")
    Membership.objects.create(user=owner, workspace=workspace, role=Membership.Role.OWNER)
    server = WahaServer.objects.create(name="browser", base_url="http://127.0.0.1:9")
    device = Device.objects.create(workspace=workspace, session_name="maju-1", server=server, label="Toko",
                                   phone_number="628111000001", status=Device.Status.CONNECTED)
    now = timezone.now()
    chat = Chat.objects.create(workspace=workspace, device=device, phone="6281234567890", name="Rina",
                               last_message_at=now, customer_wrote_at=now, last_message_preview="Ada promo?")
    Message.objects.create(workspace=workspace, chat=chat, device=device, direction="in", sender="customer",
                           text="Ada promo?", timestamp=now - timedelta(minutes=2))
    at = (now + timedelta(days=1)).astimezone(workspace.zone).replace(second=0, microsecond=0)

    base = live_server.url
    context, page, problems = open_watched(browser, width)
    sign_in(page, base, "maju@example.com", PASSWORD)

    page.goto(f"{base}/inbox/c/{chat.pk}/")
    later = page.locator("[data-testid=send-later]")
    later.locator("summary").click()
    field = page.locator("[data-testid=send-at]")
    expect(field).to_be_visible()
    field.click()
    expect(page.locator(".flatpickr-calendar.open")).to_be_visible()  # the picker loaded under the CSP
    field.fill(at.strftime("%d/%m/%Y %H:%M"))
    page.locator("[data-testid=reply-text]").fill("Promo besok ya kak")
    page.keyboard.press("Escape")
    assert field.input_value() == at.strftime("%d/%m/%Y %H:%M")
    box, pane = later.bounding_box(), page.locator("[data-testid=composer]").bounding_box()
    assert box["x"] + box["width"] <= pane["x"] + pane["width"] + 1, (box, pane)
    page.locator("[data-testid=send]").click()

    bubble = page.locator("[data-testid=message][data-state=scheduled]")
    expect(bubble).to_be_visible()
    shown = f"Scheduled for {at.strftime('%-d %b %Y, %H:%M')}"  # in the workspace's zone
    expect(bubble.locator("[data-testid=scheduled]")).to_contain_text(shown)
    cancel = bubble.locator("[data-testid=cancel-scheduled]")
    expect(cancel).to_be_visible()
    message = Message.objects.get(direction="out")
    assert message.send_state == "scheduled" and message.send_at == at
    expect(field).to_have_value("")  # the composer is emptied once it is scheduled
    # The bubble and its button fit the conversation; no sideways scroll.
    b, button, messages = bubble.bounding_box(), cancel.bounding_box(), page.locator("#messages").bounding_box()
    assert b["x"] >= messages["x"] - 1 and b["x"] + b["width"] <= messages["x"] + messages["width"] + 1, (b, messages)
    assert button["x"] + button["width"] <= b["x"] + b["width"] + 1 and button["height"] >= 24, (button, b)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if os.environ.get("SEBAR_SCREENSHOTS"):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"send-later-{width}.png"))

    cancel.click()
    page.wait_for_url(f"{base}/inbox/c/{chat.pk}/")
    expect(page.locator("text=Cancelled: this message will not be sent.")).to_be_visible()
    expect(page.locator("[data-testid=message][data-state=cancelled]")).to_be_visible()
    message.refresh_from_db()
    assert message.send_state == "cancelled"
    assert not problems, problems
    context.close()
