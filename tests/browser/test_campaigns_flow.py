"""An owner composes a campaign with live preview and audience count, starts it, and watches the campaign
page's numbers move until it completes, in sandbox mode (in-process WAHA emulator).

The engine's task chains are collected instead of queued and run by the test loop one step at a time,
so the page (htmx polling `_progress.html`) is seen moving while the sends happen."""
import time

import pytest

from accounts.models import Membership
from campaigns import engine, engine_beat
from campaigns.models import Campaign, Recipient
from devices.emulator import EmulatorServer
from devices.models import Device, WahaServer
from devices.waha import WahaClient
from tests.factories import PASSWORD, MembershipFactory, UserFactory, WorkspaceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
KEY = "browser-campaign-key"


@pytest.fixture
def waha():
    with EmulatorServer(port=0, engine="GOWS", api_key=KEY, auto_acks=False, status_delay=0.0) as emu:
        yield emu


@pytest.fixture
def queued(monkeypatch):
    work = []
    monkeypatch.setattr(engine, "_arm_step", lambda d, c, cd: work.append((engine.device_step, (d, c))))
    monkeypatch.setattr(engine, "_arm_deliver",
                        lambda r, c, cd, *rest: work.append((engine.deliver, (r, c))))
    return work


def _device(workspace, waha):
    server = WahaServer.objects.create(name="sandbox", base_url=waha.url, api_key=KEY)
    WahaClient(waha.url, KEY)._request("POST", "/api/sessions", json={"name": "shop1", "start": True})
    for _ in range(200):
        if waha.status("shop1") == "SCAN_QR_CODE":
            break
        time.sleep(0.01)
    waha.scan("shop1", phone="6281100000001")
    return Device.objects.create(workspace=workspace, session_name="shop1", server=server, label="Toko HP",
                                 phone_number="6281100000001", status=Device.Status.CONNECTED, waha_status="WORKING")


def test_compose_start_and_watch_a_campaign_complete(page, live_server, waha, queued):
    from contacts.services import contact_create

    workspace = WorkspaceFactory(name="Batik Dewi")
    user = MembershipFactory(workspace=workspace, role=Membership.Role.OWNER,
                             user=UserFactory(email="dewi@example.com", full_name="Dewi")).user
    _device(workspace, waha)
    for i in range(4):
        contact_create(workspace=workspace, phone=f"+62 812 5555 00{i:02d}", name=f"Pelanggan {i}", tags=["VIP"])
    contact_create(workspace=workspace, phone="+62 812 5555 0099", name="Reseller", tags=["Reseller"])

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_email", user.email)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/campaigns/")
    page.click("text=New campaign")
    page.fill("#id_name", "Promo Lebaran")
    page.fill("#id_message", "{Halo|Hai} [name|Kak], diskon {10|20}% hari ini!")
    page.wait_for_selector("#preview .bubble")
    assert "4 variants" in page.inner_text("#preview")
    assert "Pelanggan 0" in page.inner_text("#preview")
    page.fill("#id_message", "Halo {kak")
    page.wait_for_selector("#preview .preview-error")
    assert "position 5" in page.inner_text("#preview")
    page.fill("#id_message", "{Halo|Hai} [name|Kak], diskon hari ini!")
    page.wait_for_selector("#preview .bubble")

    page.check("input[name=tags][value=VIP]")
    page.wait_for_function("() => document.querySelector('#audience-count').innerText.includes('4 recipients')")
    page.check("input[name=tags][value=Reseller]")
    page.wait_for_function("() => document.querySelector('#audience-count').innerText.includes('5 recipients')")
    page.uncheck("input[name=tags][value=Reseller]")
    page.select_option("#id_preset", "")
    page.fill("#id_delay_min", "0")
    page.fill("#id_delay_max", "0")
    page.click("text=Start campaign")
    page.wait_for_selector("#progress")
    campaign = Campaign.objects.get(name="Promo Lebaran")
    assert page.inner_text("[data-testid=total]") == "4"
    assert page.inner_text("[data-testid=sent]") == "0"

    # Drive the engine one task at a time; the page polls and its numbers move.
    seen_partial = False
    deadline = time.monotonic() + 30
    while queued and time.monotonic() < deadline:
        fn, args = queued.pop(0)
        fn(*args)
        sent = Recipient.objects.filter(campaign=campaign, status="SENT").count()
        if sent == 2 and not seen_partial:
            page.wait_for_function("() => document.querySelector('[data-testid=sent]').innerText === '2'",
                                   timeout=10_000)
            assert page.inner_text("[data-testid=pending]") == "2"
            seen_partial = True
    engine_beat.engine_kick()
    page.wait_for_selector("#progress[data-status=COMPLETED]", timeout=10_000)
    assert seen_partial
    assert page.inner_text("[data-testid=sent]") == "4"
    assert page.inner_text("[data-testid=percent]") == "100%"
    assert sorted(s["chat_id"] for s in waha.sent()) == [f"6281255550{i:03d}@c.us" for i in range(4)]
    assert "Pelanggan 3" in page.inner_text(".log-table")
