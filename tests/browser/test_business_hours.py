"""Business hours and New chat (#16) in the browser, at a laptop's and a phone's width, under the strict CSP: an
owner sets opening times, a holiday and the out-of-office reply, then an agent's capacity; New chat refuses an
opted-out number with the reason and opens the chat for another one."""
import pytest

from accounts.models import Membership, User, Workspace
from contacts.models import Contact
from devices.models import Device, WahaServer
from inbox.models import AgentAvailability, BusinessHours, Chat
from tests.browser.conftest import ARTIFACTS, open_watched, sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _owner_page(browser, live_server, width, email):
    workspace = Workspace.objects.create(name="Toko Jam", time_zone="Asia/Jakarta")
    owner = User.objects.create_user(email, PASSWORD, full_name="Wulan")
    Membership.objects.create(user=owner, workspace=workspace, role=Membership.Role.OWNER)
    _context, page, problems = open_watched(browser, width)
    sign_in(page, live_server.url, email, PASSWORD)
    return workspace, page, problems


def _fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", [1366, 390])
def test_owner_sets_business_hours_and_an_agents_capacity(browser, live_server, width):
    ARTIFACTS.mkdir(exist_ok=True)
    workspace, page, problems = _owner_page(browser, live_server, width, f"wulan{width}@example.com")
    agent = User.objects.create_user(f"agen{width}@example.com", PASSWORD, full_name="Agus")
    membership = Membership.objects.create(user=agent, workspace=workspace, role=Membership.Role.AGENT)

    page.goto(f"{live_server.url}/inbox/auto-replies/")
    page.click("[data-testid=hours-tab]")
    page.wait_for_url(f"{live_server.url}/inbox/business-hours/")
    page.check("#id_enabled")
    for day in range(5):
        page.check(f"#id_open_{day}")
        page.fill(f"#id_opens_{day}", "08:00")
        page.fill(f"#id_closes_{day}", "16:30")
    page.fill("#id_holidays", "2026-12-25 Natal")
    page.fill("#id_away_message", "{Maaf|Mohon maaf} [name|Kak], kami sedang tutup.")
    page.fill("#id_welcome_message", "Selamat datang di Toko Jam!")
    page.click("[data-testid=hours-form] [type=submit]")
    page.wait_for_selector(".alert-success")
    assert _fits(page)
    page.screenshot(path=str(ARTIFACTS / f"business-hours-{width}.png"), full_page=True)
    row = BusinessHours.objects.get(workspace=workspace)
    assert row.enabled and row.week == [["08:00", "16:30"]] * 5 + [None, None]
    assert row.holidays == [{"date": "2026-12-25", "name": "Natal"}] and "tutup" in row.away_message

    page.click(f"a[href='/inbox/agents/{membership.pk}/availability/']")
    page.fill("#id_capacity", "3")
    page.check("#id_own_hours")
    page.check("#id_open_5")
    page.fill("#id_opens_5", "10:00")
    page.fill("#id_closes_5", "14:00")
    assert _fits(page)
    page.screenshot(path=str(ARTIFACTS / f"agent-availability-{width}.png"), full_page=True)
    page.click("[data-testid=availability-form] [type=submit]")
    page.wait_for_selector(".alert-success")
    assert "0 / 3" in page.inner_text("[data-testid=agents]")
    row = AgentAvailability.objects.get(membership=membership)
    assert row.capacity == 3 and row.week == [None] * 5 + [["10:00", "14:00"], None]
    assert not problems, problems


@pytest.mark.parametrize("width", [1366, 390])
def test_new_chat_refuses_an_opted_out_number(browser, live_server, width):
    ARTIFACTS.mkdir(exist_ok=True)
    workspace, page, problems = _owner_page(browser, live_server, width, f"mulai{width}@example.com")
    # Nothing listens there: the send fails and says so under the message, after the chat opened.
    server = WahaServer.objects.create(name=f"browser-{width}", base_url="http://127.0.0.1:9")
    Device.objects.create(workspace=workspace, session_name=f"jam-{width}", server=server, label="Toko",
                          phone_number="628111000001", status=Device.Status.CONNECTED)
    Contact.objects.create(workspace=workspace, phone="6281299990000", name="Tono", opted_out=True)
    sari = Contact.objects.create(workspace=workspace, phone="6281377778888", name="Sari")

    # A contact who never wrote: their page offers "Start a chat", which fills the number in.
    page.goto(f"{live_server.url}/contacts/{sari.pk}/edit/")
    assert _fits(page)
    page.screenshot(path=str(ARTIFACTS / f"contact-start-chat-{width}.png"), full_page=True)
    page.click("[data-testid=start-chat-contact]")
    page.wait_for_url(f"{live_server.url}/inbox/new/*")
    assert page.input_value("#id_phone") == "+6281377778888"

    page.goto(f"{live_server.url}/inbox/")
    assert _fits(page)
    page.screenshot(path=str(ARTIFACTS / f"inbox-new-chat-button-{width}.png"))
    page.click("[data-testid=new-chat]")
    page.wait_for_url(f"{live_server.url}/inbox/new/")
    page.fill("#id_phone", "0812-9999-0000")
    page.fill("#id_text", "Halo Tono, ada promo")
    page.click("[data-testid=start-chat-send]")
    page.wait_for_selector(".field-error")
    assert "opted out" in page.inner_text(".has-error")
    assert _fits(page)
    page.screenshot(path=str(ARTIFACTS / f"new-chat-refused-{width}.png"), full_page=True)
    assert not Chat.objects.filter(workspace=workspace).exists()

    page.fill("#id_phone", "0812-3456-7890")
    page.fill("#id_text", "Halo, pesanan Anda siap diambil")
    page.click("[data-testid=start-chat-send]")
    page.wait_for_url(f"{live_server.url}/inbox/c/*/")
    chat = Chat.objects.get(workspace=workspace)
    assert chat.phone == "6281234567890" and chat.assigned_to.email == f"mulai{width}@example.com"
    assert "Halo, pesanan Anda siap diambil" in page.content()
    page.screenshot(path=str(ARTIFACTS / f"new-chat-sent-{width}.png"), full_page=True)
    assert not problems, problems
