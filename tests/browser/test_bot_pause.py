"""The chat page while the bot steps back (#16.1): the "Bot paused until …" notice and its Resume bot button fit a
laptop and a phone, Resume works as a plain form under the strict CSP, and nothing on the page breaks the policy."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Membership, User, Workspace
from devices.models import Device, WahaServer
from inbox.models import Chat, Message
from inbox.services import chat_bot_pause
from tests.browser.conftest import ARTIFACTS, open_watched, sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1366, 390])
def test_paused_notice_and_resume(browser, live_server, width):
    workspace = Workspace.objects.create(name="Toko Maju")
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
    Message.objects.create(workspace=workspace, chat=chat, device=device, direction="out", sender="agent",
                           text="Ada kak, saya kirim katalognya", timestamp=now, send_state="sent", ack=2)
    chat_bot_pause(chat=chat)

    base = live_server.url
    context, page, problems = open_watched(browser, width)
    sign_in(page, base, "maju@example.com", PASSWORD)

    page.goto(f"{base}/inbox/c/{chat.pk}/")
    notice = page.locator("[data-testid=bot-paused]")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Bot paused until")
    resume = notice.locator("[data-testid=resume-bot]")
    expect(resume).to_be_visible()
    # Both fit the screen: the notice inside the conversation, the button inside the notice, no sideways scroll.
    box, button, pane = notice.bounding_box(), resume.bounding_box(), page.locator("#messages").bounding_box()
    assert box["x"] >= pane["x"] - 1 and box["x"] + box["width"] <= pane["x"] + pane["width"] + 1, (box, pane)
    assert button["x"] >= box["x"] and button["x"] + button["width"] <= box["x"] + box["width"] + 1, (button, box)
    assert button["height"] >= 24  # big enough to tap
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if os.environ.get("SEBAR_SCREENSHOTS"):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"bot-paused-{width}.png"))

    resume.click()
    page.wait_for_url(f"{base}/inbox/c/{chat.pk}/")
    expect(page.locator("text=The bot answers this customer again.")).to_be_visible()
    expect(page.locator("[data-testid=bot-paused]")).to_have_count(0)
    chat.refresh_from_db()
    assert chat.bot_paused_until is None
    if os.environ.get("SEBAR_SCREENSHOTS"):
        page.screenshot(path=str(ARTIFACTS / f"bot-resumed-{width}.png"))
    assert not problems, problems
    context.close()
