"""Add device → QR → "Sandbox: scan with the emulator" → CONNECTED, in a real browser.

The emulator runs in-process and posts its signed webhooks to the live server; Celery is eager in
tests, so each webhook is processed on commit inside the receiver's request, like a worker would.
"""
import pytest

from devices.emulator import EmulatorServer
from devices.models import Device

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
API_KEY = "browser-key"


@pytest.fixture
def emulator(settings, live_server):
    server = EmulatorServer(port=0, engine="GOWS", api_key=API_KEY, status_delay=0.05, qr_wait=8).start()
    settings.WAHA_URL = ""
    settings.SANDBOX_MODE = True
    settings.SANDBOX_WAHA_URL = server.url
    settings.SANDBOX_WAHA_API_KEY = API_KEY
    settings.WAHA_WEBHOOK_URL = f"{live_server.url}/webhooks/waha"
    yield server
    server.stop()


def test_add_device_scan_qr_until_connected(page, live_server, emulator):
    page.goto(f"{live_server.url}/signup/")
    page.fill("#id_full_name", "Sari")
    page.fill("#id_workspace_name", "Toko Sari")
    page.fill("#id_email", "sari@example.com")
    page.fill("#id_password", "kopi-susu-2026")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/devices/")
    page.click("text=Add device")
    page.fill("#id_label", "Sales")
    page.click("text=Continue to the QR code")
    page.wait_for_selector("[data-testid=qr-image]")
    assert page.get_attribute("[data-testid=qr-image]", "src").startswith("data:image/png;base64,")

    device = Device.objects.get(label="Sales")
    assert device.status == Device.Status.DISCONNECTED
    page.click("[data-testid=sandbox-scan]")
    # The QR box polls every 3 s; the webhook → task path flips the device and the box says so.
    page.wait_for_selector("[data-testid=device-connected]", timeout=15_000)
    # Linked: the sandbox button and the pairing-code card are gone (out-of-band htmx swap).
    page.wait_for_selector("#sandbox-scan-box", state="detached")
    assert page.locator("#pairing-card").count() == 0
    device.refresh_from_db()
    assert device.status == Device.Status.CONNECTED and device.waha_status == "WORKING"
    assert device.phone_number.startswith("62")

    page.click("#qr-box >> text=Back to devices")
    page.wait_for_url(f"{live_server.url}/devices/")
    assert page.inner_text("[data-testid=device-status]") == "Connected"

    # Disconnect asks first (a stray tap must not log the shop's number out), then logs it out.
    page.click("text=Disconnect")
    page.wait_for_selector("[data-testid=confirm-disconnect]")
    device.refresh_from_db()
    assert device.status == Device.Status.CONNECTED
    page.set_viewport_size({"width": 390, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click("[data-testid=confirm-disconnect]")
    page.wait_for_url(f"{live_server.url}/devices/")
    device.refresh_from_db()
    assert device.status == Device.Status.DISCONNECTED
