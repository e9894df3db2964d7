"""The team flow of #16 in sandbox mode, through the WAHA emulator: two agents go online; a customer writes inside
business hours and the rotator gives the chat to one of them, who answers from the page, after which the bot stays
quiet in that chat; outside hours (a holiday today) another customer writing twice gets the out-of-office reply
once, and the chat waits unassigned (nobody works on a holiday)."""
import time

import pytest
from django.utils import timezone

from accounts.models import Membership
from inbox import hours
from inbox.models import AutoReply, Chat
from inbox.services import settings_for
from tests.browser.conftest import ARTIFACTS, open_watched, sign_in
from tests.browser.test_inbox_flow import emulator  # noqa: F401 - the fixture
from tests.factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = [
    pytest.mark.browser, pytest.mark.django_db(transaction=True),
]

FIRST, SECOND = "6281234567890", "6281298765432"


def _wait(condition, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def _agent_page(browser, live_server, email, problems):
    context, page, _problems = open_watched(browser, 1366, problems=problems)
    sign_in(page, live_server.url, email, PASSWORD)
    page.goto(f"{live_server.url}/inbox/")
    page.click("[data-testid=go-online]")
    page.wait_for_selector("[data-testid=go-offline]")
    return page


def test_rotator_hands_a_chat_to_an_online_agent_and_out_of_office_goes_once(browser, live_server, emulator):  # noqa: F811
    from devices.services import device_create

    owner = MembershipFactory(role=Membership.Role.OWNER, user=UserFactory(email="pemilik@example.com")).user
    workspace = owner.membership.workspace
    workspace.time_zone = "Asia/Jakarta"
    workspace.save(update_fields=["time_zone"])
    ana = MembershipFactory(workspace=workspace, role=Membership.Role.AGENT,
                            user=UserFactory(email="ana@example.com", full_name="Ana")).user
    bayu = MembershipFactory(workspace=workspace, role=Membership.Role.AGENT,
                             user=UserFactory(email="bayu@example.com", full_name="Bayu")).user
    row = settings_for(workspace)
    row.cs_rotator_enabled = True
    row.save()
    hours.business_hours_update(workspace=workspace, enabled=True, week=[["00:00", "23:59"]] * 7,
                                away_message="Maaf [name|Kak], hari ini kami libur. Kami balas besok ya.")
    AutoReply.objects.create(workspace=workspace, keyword="harga", match_type="CONTAINS",
                             response_text="Paket A 100rb.")
    device = device_create(workspace=workspace, label="Toko")
    assert emulator.wait_for_status(device.session_name, "SCAN_QR_CODE")
    emulator.scan(device.session_name, phone="6281100000001")

    problems = []
    ana_page = _agent_page(browser, live_server, ana.email, problems)
    _agent_page(browser, live_server, bayu.email, problems)
    assert hours.workspace_open(workspace) or timezone.localtime(timezone.now(), workspace.zone).strftime(
        "%H:%M") == "23:59"

    # Inside hours: the chat goes to the first free agent in turn (Ana, the lower id).
    emulator.inbound(device.session_name, FIRST, "Halo, mau tanya", push_name="Rina")
    assert _wait(lambda: Chat.objects.filter(phone=FIRST, assigned_to=ana).exists())
    ana_page.goto(f"{live_server.url}/inbox/?assigned=me")
    ana_page.click(f"[data-testid=chat-item][data-phone='{FIRST}']")
    ana_page.fill("[data-testid=reply-text]", "Halo kak Rina, saya Ana")
    ana_page.click("[data-testid=send]")
    assert _wait(lambda: "Halo kak Rina, saya Ana" in [s["text"] for s in emulator.sent()])
    # A keyword now would have the bot talk over Ana: it stays quiet.
    emulator.inbound(device.session_name, FIRST, "Berapa harga paket A?", push_name="Rina")
    assert _wait(lambda: Chat.objects.get(phone=FIRST).messages.filter(direction="in").count() == 2)
    time.sleep(1.5)
    assert "Paket A 100rb." not in [s["text"] for s in emulator.sent()]
    ana_page.screenshot(path=str(ARTIFACTS / "team-flow-assigned-1366.png"))

    # Outside hours (a holiday today in Jakarta): the out-of-office reply, once for two messages.
    today = timezone.localtime(timezone.now(), workspace.zone).date().isoformat()
    hours.business_hours_update(workspace=workspace, holidays=[{"date": today, "name": "Libur"}])
    emulator.inbound(device.session_name, SECOND, "Halo?", push_name="Sari")
    assert _wait(lambda: any("libur" in s["text"] for s in emulator.sent()))
    emulator.inbound(device.session_name, SECOND, "Halo??", push_name="Sari")
    assert _wait(lambda: Chat.objects.filter(phone=SECOND).first() is not None
                 and Chat.objects.get(phone=SECOND).messages.filter(direction="in").count() == 2)
    time.sleep(1.5)
    away = [s["text"] for s in emulator.sent() if "libur" in s["text"]]
    assert away == ["Maaf Sari, hari ini kami libur. Kami balas besok ya."]
    second = Chat.objects.get(phone=SECOND)
    assert second.assigned_to_id is None and second.awaiting_agent_since is not None
    assert not problems, problems
