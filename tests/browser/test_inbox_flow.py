"""Sandbox inbox flow: a customer writes through the WAHA emulator (signed webhooks to the live server),
the bot answers by keyword, then the agent switches the bot off and answers by hand.

WAHA (and the emulator) deliver webhooks concurrently, straight to the live server, as in production: the test
database is a file on SQLite too (config/settings.py), so concurrent writers wait for each other there as well.
"""
import time

import pytest

from accounts.models import Membership
from devices.emulator import EmulatorServer
from inbox.models import AutoReply, Chat, Message
from tests.factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CUSTOMER = "6281234567890"


@pytest.fixture
def emulator(settings, live_server):
    server = EmulatorServer(port=0, engine="NOWEB", api_key="inbox-key", status_delay=0.02, qr_wait=1.0,
                            auto_acks=True, ack_delays=(0.05, 0.05, 0.05)).start()
    settings.WAHA_URL = ""
    settings.SANDBOX_MODE = True
    settings.SANDBOX_WAHA_URL = server.url
    settings.SANDBOX_WAHA_API_KEY = "inbox-key"
    settings.WAHA_WEBHOOK_URL = f"{live_server.url}/webhooks/waha"
    settings.OPENAI_API_KEY = ""
    yield server
    server.stop()
    from config.redis import get_redis, key

    keys = list(get_redis().scan_iter(match=key("*"), count=500))
    if keys:
        get_redis().delete(*keys)


def _wait(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def _sent_texts(emulator):
    return [s["text"] for s in emulator.sent()]


def test_customer_bot_then_agent(page, live_server, emulator):
    from devices.services import device_create

    owner = MembershipFactory(role=Membership.Role.OWNER, user=UserFactory(email="dewi@example.com")).user
    workspace = owner.membership.workspace
    device = device_create(workspace=workspace, label="Toko")
    assert emulator.wait_for_status(device.session_name, "SCAN_QR_CODE")
    emulator.scan(device.session_name, phone="6281100000001")
    AutoReply.objects.create(workspace=workspace, keyword="harga", match_type="CONTAINS",
                             response_text="Halo [name], paket A 100rb.")

    emulator.inbound(device.session_name, CUSTOMER, "Berapa HARGA paket A?", push_name="Rina")
    assert _wait(lambda: "Halo Rina, paket A 100rb." in _sent_texts(emulator), timeout=20), _sent_texts(emulator)

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_email", owner.email)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/inbox/")
    page.click(f"[data-testid=chat-item][data-phone='{CUSTOMER}']")
    page.wait_for_selector("[data-testid=message][data-sender=bot]")
    assert "paket A 100rb" in page.inner_text("#messages")
    assert "Berapa HARGA paket A?" in page.inner_text("#messages")

    # The agent takes over: bot off, then a hand-written reply through the same number.
    page.click("[data-testid=bot-toggle]")
    page.wait_for_selector("text=The bot is off")
    assert not Chat.objects.get().bot_enabled
    page.fill("[data-testid=reply-text]", "Saya Dewi, saya bantu pesan ya kak")
    page.click("[data-testid=send]")
    page.wait_for_selector("[data-testid=message][data-sender=agent] >> text=Saya Dewi")
    assert _wait(lambda: "Saya Dewi, saya bantu pesan ya kak" in _sent_texts(emulator), timeout=20)

    # With the bot off, the keyword no longer answers. The page leaves first: its polling reads would
    # contend with the webhook's writes in the shared-cache test database (see the module docstring).
    page.goto("about:blank")
    emulator.inbound(device.session_name, CUSTOMER, "harga paket B?")
    assert _wait(lambda: Message.objects.filter(text="harga paket B?").exists(), timeout=20)
    time.sleep(0.5)
    assert _sent_texts(emulator).count("Halo Rina, paket A 100rb.") == 1
    agent_row = Message.objects.get(sender="agent")
    assert agent_row.sent_by == owner and agent_row.short_id
    # message.any of our own sends never duplicates the rows we wrote when sending.
    assert Message.objects.filter(direction="out").count() == 2
    # Ticks arrive through message.ack webhooks.
    assert _wait(lambda: (Message.objects.get(pk=agent_row.pk).ack or 0) >= 2, timeout=20)
    page.goto(f"{live_server.url}/inbox/c/{agent_row.chat_id}/")
    assert "harga paket B?" in page.inner_text("#messages")
    assert page.locator("[data-testid=message][data-sender=agent] [data-testid=ack]").inner_text() == "✓✓"
