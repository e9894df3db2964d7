"""The audit log in a browser (#19): a failed and a good sign-in show on Settings → Audit log, the action filter
narrows the list; no CSP violation and nothing wider than the screen, at 1366 and 390 px."""
import os

import pytest
from playwright.sync_api import expect

from accounts.models import Membership, User, Workspace
from audit.models import AuditEntry
from tests.browser.conftest import ARTIFACTS, open_watched
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1366, 390])
def test_sign_ins_show_on_the_audit_log_and_filter_by_action(browser, live_server, width):
    workspace = Workspace.objects.create(name="Toko Jejak")
    owner = User.objects.create_user(f"jejak{width}@example.com", PASSWORD, full_name="Jejak")
    Membership.objects.create(user=owner, workspace=workspace, role=Membership.Role.OWNER)
    base = live_server.url
    context, page, problems = open_watched(browser, width)
    page.on("console", lambda m: m.type == "error" and "Content Security Policy" in m.text
            and problems.append(f"console: {m.text}"))
    page.goto(f"{base}/login/")
    page.fill("#id_email", owner.email)
    page.fill("#id_password", "not-the-password-1")
    page.click("[type=submit]")
    page.wait_for_selector("#id_password")
    page.fill("#id_email", owner.email)
    page.fill("#id_password", PASSWORD)
    page.click("[type=submit]")
    page.wait_for_url(f"{base}/")

    if width < 800:
        page.click("[data-toggle-sidebar]")
    page.click("nav a[href='/settings/']")
    page.click("[data-testid=tab-audit]")
    page.wait_for_url(f"{base}/settings/audit/")
    rows = page.locator("[data-testid=audit-entry]")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Signed in")  # newest first
    expect(rows.nth(1)).to_contain_text("Failed sign-in")
    expect(rows.nth(0)).to_contain_text("127.0.0.1")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    if os.environ.get("SEBAR_SCREENSHOTS"):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"audit-log-{width}.png"), full_page=True)

    page.select_option("[data-testid=audit-action]", "auth.login_failed")
    page.click("[data-testid=audit-filter] [type=submit]")
    page.wait_for_url(f"{base}/settings/audit/?action=auth.login_failed")
    expect(rows).to_have_count(1)
    expect(rows.nth(0)).to_have_attribute("data-action", "auth.login_failed")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert AuditEntry.objects.filter(workspace=workspace).count() == 2
    assert not problems, problems
    context.close()
