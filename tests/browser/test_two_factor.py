"""Two-factor sign-in in a browser (#19): an owner turns it on from the account menu with a code made from the QR's
key, sees the recovery codes once, logs out, signs in with the password and then the app's code, and finds this
browser and an API login made with a recovery code on Account → Sessions; at 1366 and 390 px, with no CSP
violation and nothing wider than the screen. Screenshots of each page go to test-artifacts/."""
import pyotp
import pytest
from playwright.sync_api import expect

from accounts.models import Membership, TwoFactor
from tests.browser.conftest import ARTIFACTS
from tests.factories import PASSWORD, MembershipFactory, UserFactory, WorkspaceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def shot(page, name, width):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"two-factor-{name}-{width}.png"), full_page=True)


def next_code(user, totp):
    # Each code works once: the one after the last step accepted (never more than one step ahead of now).
    return totp.generate_otp(TwoFactor.objects.get(user=user).last_step + 1)


def open_account_menu(page, testid):
    page.click("details.user-menu summary")
    page.click(f"[data-testid={testid}]")


@pytest.mark.parametrize("width", [1366, 390])
def test_turn_on_two_factor_and_sign_in_with_a_code(watched, live_server, width):
    page, problems = watched
    page.set_viewport_size({"width": width, "height": 900})
    user = MembershipFactory(workspace=WorkspaceFactory(name="Kopi Senja"), role=Membership.Role.OWNER,
                             user=UserFactory(email=f"senja{width}@example.com", full_name="Senja")).user
    base = live_server.url
    page.goto(f"{base}/login/")
    page.fill("#id_email", user.email)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")

    open_account_menu(page, "menu-two-factor")
    page.wait_for_url(f"{base}/account/two-factor/")
    expect(page.locator("[data-testid=two-factor-off]")).to_be_visible()
    shot(page, "off", width)
    page.click("[data-testid=two-factor-start]")
    page.wait_for_url(f"{base}/account/two-factor/setup/")
    expect(page.locator("[data-testid=two-factor-qr]")).to_be_visible()
    page.click(".setup-manual summary")
    secret = page.locator("[data-testid=two-factor-secret]").inner_text().replace(" ", "")
    totp = pyotp.TOTP(secret)
    assert fits(page)
    shot(page, "setup", width)

    page.fill("#id_code", "000000" if totp.now() != "000000" else "111111")
    page.click("[data-testid=two-factor-confirm] button[type=submit]")
    expect(page.locator(".field-error")).to_contain_text("does not match")
    page.fill("#id_code", totp.now())
    page.click("[data-testid=two-factor-confirm] button[type=submit]")
    page.wait_for_url(f"{base}/account/two-factor/recovery-codes/")
    codes = page.locator("[data-testid=recovery-codes] li")
    expect(codes).to_have_count(10)
    recovery = codes.nth(0).inner_text().strip()
    assert fits(page)
    shot(page, "codes", width)
    page.click("[data-testid=codes-saved]")
    expect(page.locator("[data-testid=two-factor-on]")).to_be_visible()
    expect(page.locator("[data-testid=codes-left]")).to_contain_text("10 recovery codes left")
    assert fits(page)
    shot(page, "on", width)

    page.click("details.user-menu summary")
    page.click("[data-testid=logout]")
    page.wait_for_url(f"{base}/login/")
    page.fill("#id_email", user.email)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/login/code/")
    assert fits(page)
    shot(page, "login-code", width)
    page.fill("#id_code", "000000" if next_code(user, totp) != "000000" else "111111")
    page.click("[data-testid=login-code-form] button[type=submit]")
    expect(page.locator(".alert-error, .field-error").first).to_contain_text("not right")
    page.fill("#id_code", next_code(user, totp))
    page.click("[data-testid=login-code-form] button[type=submit]")
    page.wait_for_url(f"{base}/")

    # An API login (it needs the code too; a recovery code here, the app's was just spent) shows beside this
    # browser on the sessions page.
    refused = page.request.post(f"{base}/api/auth/login", data={"email": user.email, "password": PASSWORD})
    assert refused.status == 401 and refused.json()["error"] == "two_factor_required"
    api = page.request.post(f"{base}/api/auth/login", data={"email": user.email, "password": PASSWORD,
                                                            "code": recovery})
    assert api.status == 200, api.text()
    open_account_menu(page, "menu-sessions")
    page.wait_for_url(f"{base}/account/sessions/")
    expect(page.locator("[data-testid=web-session]")).to_have_count(1)
    expect(page.locator("[data-testid=this-session]")).to_be_visible()
    expect(page.locator("[data-testid=api-session]")).to_have_count(1)
    assert fits(page)
    shot(page, "sessions", width)
    page.click("[data-testid=end-api-session]")
    expect(page.locator("[data-testid=no-api-sessions]")).to_be_visible()
    assert problems == []
