"""The campaign report page in a browser (#13): reached from the campaign page, the funnel and the tables fit a laptop
and a phone without sideways scroll, Print calls the browser's print through the static script, the print stylesheet
leaves the app's navigation off the paper, the Excel download arrives, and nothing breaks the strict CSP."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Membership, User, Workspace
from campaigns.models import Campaign, Recipient
from campaigns.reasons import reason
from devices.models import Device, WahaServer
from tests.browser.conftest import ARTIFACTS, open_watched, sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
S = Recipient.Status


@pytest.mark.parametrize("width", [1366, 390])
def test_report_page_fits_prints_and_downloads(browser, live_server, width):
    workspace = Workspace.objects.create(name="Toko Maju")
    owner = User.objects.create_user("maju@example.com", PASSWORD, full_name="Maju")
    Membership.objects.create(user=owner, workspace=workspace, role=Membership.Role.OWNER)
    server = WahaServer.objects.create(name="browser", base_url="http://127.0.0.1:9")
    device = Device.objects.create(workspace=workspace, session_name="maju-1", server=server,
                                   label="Toko Maju Cabang Utara Nomor Satu", phone_number="628111000001",
                                   status=Device.Status.CONNECTED)
    now = timezone.now()
    campaign = Campaign.objects.create(workspace=workspace, name="Promo Lebaran", message_template="Hi",
                                       status=Campaign.Status.COMPLETED, started_at=now - timedelta(hours=1),
                                       finished_at=now)
    statuses = [S.READ, S.READ, S.DELIVERED, S.SENT, S.FAILED, S.SKIPPED]
    for n, status in enumerate(statuses):
        extra = {"sent_at": now} if status in (S.READ, S.DELIVERED, S.SENT) else {}
        if status == S.FAILED:
            extra = reason("waha_error", detail="a long gateway message " * 6)
        if status == S.SKIPPED:
            extra = reason("not_on_whatsapp")
        Recipient.objects.create(workspace=workspace, campaign=campaign, phone=f"62812000000{n}", name=f"K{n}",
                                 status=status, device_used=device if status != S.SKIPPED else None,
                                 replied_at=now if n == 0 else None, **extra)

    base = live_server.url
    context, page, problems = open_watched(browser, width, accept_downloads=True)
    sign_in(page, base, "maju@example.com", PASSWORD)

    page.goto(f"{base}/campaigns/{campaign.pk}/")
    page.click("[data-testid=report-link]")
    page.wait_for_url(f"{base}/campaigns/{campaign.pk}/report/")
    expect(page.locator("[data-testid=count-sent]")).to_have_text("4")
    expect(page.locator("[data-testid=percent-read]")).to_have_text("50.0%")
    expect(page.locator("[data-testid=failures]")).to_contain_text("This number is not on WhatsApp.")
    expect(page.locator("[data-testid=per-variant]")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    for section in ("funnel", "per-device", "failures"):
        box = page.locator(f"[data-testid={section}]").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, (section, box)
    if os.environ.get("SEBAR_SCREENSHOTS"):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"campaign-report-{width}.png"), full_page=True)

    page.evaluate("window.printed = 0; window.print = () => { window.printed += 1; }; null")
    page.click("[data-testid=print]")
    assert page.evaluate("window.printed") == 1
    page.emulate_media(media="print")
    expect(page.locator(".sidebar")).to_be_hidden()
    expect(page.locator("[data-testid=print]")).to_be_hidden()
    expect(page.locator("[data-testid=funnel]")).to_be_visible()
    if os.environ.get("SEBAR_SCREENSHOTS"):
        page.screenshot(path=str(ARTIFACTS / f"campaign-report-print-{width}.png"), full_page=True)
    page.emulate_media(media="screen")

    with page.expect_download() as download:
        page.click("[data-testid=report-xlsx]")
    assert download.value.suggested_filename == f"promo-lebaran-{campaign.pk}-report.xlsx"
    assert not problems, problems
    context.close()
