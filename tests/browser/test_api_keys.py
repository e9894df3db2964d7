"""The API keys page in a browser (#15): reached from Settings, a new key is shown once and copied, the key works
on the API, revoking asks first; no CSP violation and nothing wider than the screen, at 1366 and 390 px."""
import os

import pytest
from playwright.sync_api import expect

from accounts.models import Membership, User, Workspace
from integrations.models import ApiKey
from tests.browser.conftest import ARTIFACTS, CSP_LISTENER, sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1366, 390])
def test_create_copy_and_revoke_a_key(browser, live_server, width):
    workspace = Workspace.objects.create(name="Toko Kunci")
    owner = User.objects.create_user(f"kunci{width}@example.com", PASSWORD, full_name="Kunci")
    Membership.objects.create(user=owner, workspace=workspace, role=Membership.Role.OWNER)
    base = live_server.url
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-US")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    problems = []
    context.expose_binding("__cspReport", lambda source, text: problems.append(text))
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.on("pageerror", lambda exc: problems.append(f"uncaught: {exc}"))
    page.on("console", lambda m: m.type == "error" and "Content Security Policy" in m.text
            and problems.append(f"console: {m.text}"))
    sign_in(page, base, owner.email, PASSWORD)

    if width < 800:
        page.click("[data-toggle-sidebar]")
    page.click("nav a[href='/settings/']")
    page.click("[data-testid=tab-api-keys]")
    page.wait_for_url(f"{base}/settings/api-keys/")
    page.fill("#id_name", "Order system")
    page.check("input[name=scopes][value='contacts:read']")
    page.check("input[name=scopes][value=send]")
    page.click("[data-testid=create-key]")
    secret = page.input_value("[data-testid=new-key-secret]")
    key = ApiKey.objects.get()
    assert secret.startswith(key.prefix + "_") and key.scopes == ["contacts:read", "send"]
    page.click("[data-testid=copy-key]")
    expect(page.locator("[data-testid=copy-key]")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == secret
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    if os.environ.get("SEBAR_SCREENSHOTS"):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"api-keys-{width}.png"), full_page=True)

    answer = page.request.get(f"{base}/api/contacts", headers={"X-Api-Key": secret})
    assert answer.status == 200

    page.goto(f"{base}/settings/api-keys/")
    assert page.locator("[data-testid=new-key-secret]").count() == 0  # shown once
    row = page.locator(f"[data-testid=key-{key.prefix}]")
    page.once("dialog", lambda dialog: dialog.dismiss())
    row.locator("[data-testid=revoke]").click()
    key.refresh_from_db()
    assert key.revoked_at is None  # dismissing the question keeps the key
    page.once("dialog", lambda dialog: dialog.accept())
    row.locator("[data-testid=revoke]").click()
    page.wait_for_selector(".alert-success")
    expect(page.locator(f"[data-testid=key-{key.prefix}] [data-testid=status]")).to_have_text("Revoked")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.request.get(f"{base}/api/contacts", headers={"X-Api-Key": secret}).status == 401
    assert not problems, problems
    context.close()
