"""Chat status, labels and notes in the browser (#16): the status tabs with their counts, a private note with an
@mention written from the Note tab beside the reply composer and shown inline, a label put on the chat, Snooze
with a time in the workspace's zone and Resolve from the chat header; all of it fits a laptop and a phone and
nothing on the page breaks the strict CSP."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Membership, User, Workspace
from devices.models import Device, WahaServer
from inbox.models import Chat, ChatEvent, ChatMention, Label, Message
from tests.browser.conftest import ARTIFACTS, open_watched, sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page, locator, width):
    box = locator.bounding_box()
    assert box is not None and box["x"] >= -1 and box["x"] + box["width"] <= width + 1, (box, width)


@pytest.mark.parametrize("width", [1366, 390])
def test_status_labels_and_notes(browser, live_server, width):
    workspace = Workspace.objects.create(name="Toko Maju", time_zone="Asia/Jakarta")
    owner = User.objects.create_user("maju@example.com", PASSWORD, full_name="Maju")
    Membership.objects.create(user=owner, workspace=workspace, role=Membership.Role.OWNER)
    agent = User.objects.create_user("sari@example.com", PASSWORD, full_name="Sari")
    Membership.objects.create(user=agent, workspace=workspace, role=Membership.Role.AGENT)
    server = WahaServer.objects.create(name="browser", base_url="http://127.0.0.1:9")
    device = Device.objects.create(workspace=workspace, session_name="maju-1", server=server, label="Toko",
                                   phone_number="628111000001", status=Device.Status.CONNECTED)
    Label.objects.create(workspace=workspace, name="VIP", colour="purple")
    now = timezone.now()
    chat = Chat.objects.create(workspace=workspace, device=device, phone="6281234567890", name="Rina",
                               last_message_at=now, customer_wrote_at=now, last_message_preview="Ada promo?")
    Chat.objects.create(workspace=workspace, device=device, phone="6281234567891", name="Dodi", status="resolved",
                        last_message_at=now, customer_wrote_at=now, last_message_preview="Makasih")
    Message.objects.create(workspace=workspace, chat=chat, device=device, direction="in", sender="customer",
                           text="Ada promo?", timestamp=now - timedelta(minutes=2))

    base = live_server.url
    context, page, problems = open_watched(browser, width)
    sign_in(page, base, "maju@example.com", PASSWORD)

    page.goto(f"{base}/inbox/")
    tabs = page.locator("[data-testid=status-tabs]")
    expect(tabs.locator("[data-testid=count-open]")).to_have_text("1")
    expect(tabs.locator("[data-testid=count-resolved]")).to_have_text("1")
    _fits(page, tabs, width)
    expect(page.locator("[data-testid=chat-item]")).to_have_count(1)  # the resolved one is under Resolved
    tabs.locator("[data-testid=status-resolved]").click()
    expect(page.locator("[data-testid=chat-item]")).to_contain_text("Dodi")
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.goto(f"{base}/inbox/c/{chat.pk}/")
    # A private note from the Note tab, shown inline and distinct from the messages.
    expect(page.locator("[data-testid=note-composer]")).to_be_hidden()
    page.click("[data-testid=tab-note]")
    expect(page.locator("[data-testid=composer]")).to_be_hidden()
    page.fill("[data-testid=note-text]", "@sari tolong cek stok")
    page.click("[data-testid=add-note]")
    note = page.locator("#messages [data-testid=note]")
    expect(note).to_contain_text("tolong cek stok")
    expect(note).to_contain_text("Private note")
    _fits(page, note, width)
    assert ChatMention.objects.filter(user=agent, chat=chat).exists()

    # A label.
    page.click("[data-testid=edit-labels]")
    page.locator(".label-picker-form input[type=checkbox]").first.check()
    page.click("[data-testid=save-labels]")
    page.wait_for_url(f"{base}/inbox/c/{chat.pk}/")
    chip = page.locator("[data-testid=conv-labels] [data-testid=label-chip]")
    expect(chip).to_have_text("VIP")
    assert "label-purple" in chip.get_attribute("class")

    # Snooze until tomorrow 09:00 in Jakarta, then Resolve.
    page.click("[data-testid=snooze] summary")
    until = (timezone.localtime(timezone.now(), workspace.zone) + timedelta(days=1)).replace(hour=9, minute=0)
    field = page.locator("[data-testid=snooze-until]")
    field.fill(until.strftime("%d/%m/%Y %H:%M"))
    _fits(page, page.locator(".snooze-form"), width)
    if os.environ.get("SEBAR_SCREENSHOTS"):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"chat-status-snooze-{width}.png"))
    page.click("[data-testid=snooze-submit]")
    page.wait_for_url(f"{base}/inbox/c/{chat.pk}/")
    expect(page.locator("[data-testid=status-badge]")).to_contain_text("Snoozed")
    chat.refresh_from_db()
    assert chat.status == "snoozed" and chat.snoozed_until == until.replace(second=0, microsecond=0)
    resolve = page.locator("[data-testid=resolve]")
    _fits(page, resolve, width)
    assert resolve.bounding_box()["height"] >= 24
    resolve.click()
    page.wait_for_url(f"{base}/inbox/c/{chat.pk}/")
    expect(page.locator("[data-testid=status-badge]")).to_have_text("Resolved")
    expect(page.locator("#messages [data-testid=history]").last).to_contain_text("set the status to Resolved")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    chat.refresh_from_db()
    assert chat.status == "resolved"
    assert ChatEvent.objects.filter(chat=chat, kind="status").count() == 2
    if os.environ.get("SEBAR_SCREENSHOTS"):
        page.screenshot(path=str(ARTIFACTS / f"chat-status-resolved-{width}.png"))
    assert not problems, problems
    context.close()
