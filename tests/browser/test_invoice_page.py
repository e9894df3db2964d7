"""The invoice page in a browser (#20.12): Copy puts bare digits on the clipboard, a proof uploads, the printable
invoice has no app navigation; no CSP violation on either page, at a laptop's and a phone's width."""

import os

import pytest
from playwright.sync_api import expect

from accounts.models import Membership, User, Workspace
from billing import services
from billing.models import Package
from tests.browser.conftest import ARTIFACTS, CSP_LISTENER, sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


@pytest.mark.parametrize("width", [1366, 390])
def test_copy_upload_and_print(browser, live_server, settings, tmp_path, width):
    settings.MEDIA_ROOT = tmp_path / "media"
    workspace = Workspace.objects.create(name="Toko Maju")
    owner = User.objects.create_user("maju@example.com", PASSWORD, full_name="Maju")
    Membership.objects.create(user=owner, workspace=workspace, role=Membership.Role.OWNER)
    line = services.subscription_choose(
        workspace=workspace, actor=owner, package_id=Package.objects.get(code="pro").pk, months=3
    )
    base = live_server.url
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-US")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    problems = []
    context.expose_binding("__cspReport", lambda source, text: problems.append(text))
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.on("pageerror", lambda exc: problems.append(f"uncaught: {exc}"))
    sign_in(page, base, "maju@example.com", PASSWORD)

    page.goto(f"{base}/billing/invoices/{line.reference}/")
    button = page.locator("button[data-copy='597000']")
    button.click()
    expect(button).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == "597000"
    proof = tmp_path / "transfer.png"
    proof.write_bytes(PNG)
    page.set_input_files("[data-testid=proof-input]", str(proof))
    page.click("[data-testid=proof-upload]")
    page.wait_for_selector("[data-testid=proof-received]")
    if os.environ.get("SEBAR_SCREENSHOTS"):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"invoice-{width}.png"), full_page=True)

    page.click("[data-testid=print-link]")
    page.wait_for_selector("[data-testid=printed-invoice]")
    assert page.locator(".sidebar, .topbar").count() == 0
    assert page.inner_text("[data-testid=print-total]") == "Rp 597.000"
    page.evaluate("window.printed = 0; window.print = () => { window.printed += 1; }; null")
    page.click("[data-testid=print]")
    assert page.evaluate("window.printed") == 1
    if os.environ.get("SEBAR_SCREENSHOTS"):
        page.screenshot(path=str(ARTIFACTS / f"invoice-print-{width}.png"), full_page=True)
        page.emulate_media(media="print")
        page.screenshot(path=str(ARTIFACTS / f"invoice-print-media-{width}.png"), full_page=True)
    assert not problems, problems
    context.close()
