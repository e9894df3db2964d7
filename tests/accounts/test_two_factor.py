"""Two-factor sign-in (issue 19): turning it on with a first code, the sign-in's second step on the page and in the
API, codes that work once, recovery codes, the limit on codes tried, turning it off, and the operator's
requirement for owners."""
import re
import time

import pyotp
import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts import two_factor
from accounts.models import RecoveryCode, TwoFactor
from audit.models import AuditEntry
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
SIGNED_IN_PAGE = "/account/password/"


def enable(user):
    """Two-factor sign-in on for `user`, as the setup page does it; returns (totp, recovery codes)."""
    secret = pyotp.random_base32()
    codes = two_factor.two_factor_enable(user=user, secret=secret, code=pyotp.TOTP(secret).now())
    # The setup's code spent this 30-second step: sign-ins in the test start from a clean slate.
    TwoFactor.objects.filter(user=user).update(last_step=0)
    return pyotp.TOTP(secret), codes


def password_step(client, user, ip="198.51.100.7"):
    return client.post("/login/", {"email": user.email, "password": PASSWORD}, REMOTE_ADDR=ip)


def signed_in(client):
    return client.get(SIGNED_IN_PAGE).status_code == 200


def actions():
    """Audit codes written, leaving out the sign-ins the clients' force_login records."""
    return [a for a in AuditEntry.objects.order_by("pk").values_list("action", flat=True) if a != "auth.login"]


def test_setup_shows_a_qr_and_turns_on_only_with_the_apps_code(owner, owner_client):
    page = owner_client.get("/account/two-factor/setup/")
    assert page.status_code == 200
    assert b'src="data:image/svg+xml;base64,' in page.content
    secret = owner_client.session["sebar_2fa_setup"]
    assert secret.replace(" ", "")[:4] in page.content.decode()  # the key to type by hand

    wrong = owner_client.post("/account/two-factor/setup/", {"code": "000000"})
    assert wrong.status_code == 400 and b"does not match" in wrong.content
    assert not TwoFactor.objects.filter(user=owner).exists()
    assert actions() == ["2fa.failed"]

    right = owner_client.post("/account/two-factor/setup/", {"code": pyotp.TOTP(secret).now()})
    assert right.status_code == 302 and right["Location"] == "/account/two-factor/recovery-codes/"
    assert TwoFactor.objects.get(user=owner).secret == secret
    shown = owner_client.get(right["Location"])
    codes = re.findall(r"<code>([a-z0-9-]{19})</code>", shown.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    # Stored hashed, never as typed; shown once.
    stored = set(RecoveryCode.objects.filter(user=owner).values_list("code_hash", flat=True))
    assert len(stored) == 10 and not stored & set(codes)
    assert owner_client.get("/account/two-factor/recovery-codes/").status_code == 302
    assert actions() == ["2fa.failed", "2fa.enabled"]
    assert b'data-testid="two-factor-on"' in owner_client.get("/account/two-factor/").content


def test_the_sign_in_asks_for_the_code_before_logging_in(owner):
    totp, _codes = enable(owner)
    client = Client()
    response = password_step(client, owner)
    assert response.status_code == 302 and response["Location"] == "/login/code/"
    assert not signed_in(client)  # the password alone logged nobody in
    assert b"uses two-factor sign-in" in client.get("/login/code/").content

    wrong = client.post("/login/code/", {"code": "123456" if totp.now() != "123456" else "654321"})
    assert wrong.status_code == 400 and b"not right" in wrong.content
    assert not signed_in(client)
    assert actions() == ["2fa.enabled", "2fa.failed"] and not AuditEntry.objects.filter(action="auth.login").exists()

    ok = client.post("/login/code/", {"code": totp.now()})
    assert ok.status_code == 302 and ok["Location"] == "/"
    assert signed_in(client)
    assert AuditEntry.objects.filter(action="auth.login", actor=owner).count() == 1
    assert "sebar_2fa_pending" not in client.session


def test_an_account_without_it_logs_in_with_the_password_alone(owner):
    client = Client()
    assert password_step(client, owner)["Location"] == "/"
    assert signed_in(client)


def test_a_code_works_once(owner):
    totp, _codes = enable(owner)
    code = totp.now()
    first = Client()
    password_step(first, owner)
    assert first.post("/login/code/", {"code": code}).status_code == 302
    second = Client()
    password_step(second, owner)
    replay = second.post("/login/code/", {"code": code})
    assert replay.status_code == 400 and not signed_in(second)


def test_a_recovery_code_signs_in_once(owner):
    _totp, codes = enable(owner)
    first = Client()
    password_step(first, owner)
    assert first.post("/login/code/", {"code": codes[3].upper().replace("-", " ")}).status_code == 302
    assert signed_in(first)
    entry = AuditEntry.objects.get(action="2fa.recovery_used")
    assert entry.actor == owner and entry.details == {"left": 9}
    again = Client()
    password_step(again, owner)
    assert again.post("/login/code/", {"code": codes[3]}).status_code == 400
    assert not signed_in(again)
    assert two_factor.recovery_codes_left(owner) == 9


def test_codes_tried_are_limited_per_account(owner, settings):
    settings.LOGIN_2FA_RATE_LIMIT = 3
    totp, _codes = enable(owner)
    client = Client()
    password_step(client, owner)
    wrong = "999999" if totp.now() != "999999" else "111111"
    for _ in range(3):
        assert client.post("/login/code/", {"code": wrong}).status_code == 400
    stopped = client.post("/login/code/", {"code": totp.now()})
    assert stopped.status_code == 429 and "Retry-After" in stopped
    assert not signed_in(client)
    # The count is the account's: a new browser with the password is stopped too.
    other = Client()
    password_step(other, owner, ip="203.0.113.50")
    assert other.post("/login/code/", {"code": totp.now()}).status_code == 429


def test_the_code_page_without_a_password_step_or_after_it_expired(owner, settings):
    totp, _codes = enable(owner)
    client = Client()
    assert client.get("/login/code/")["Location"] == "/login/"
    password_step(client, owner)
    session = client.session
    session["sebar_2fa_pending"]["at"] = time.time() - settings.LOGIN_2FA_PENDING_SECONDS - 1
    session.save()
    response = client.post("/login/code/", {"code": totp.now()})
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert not signed_in(client)


def test_a_password_changed_meanwhile_ends_the_half_done_sign_in(owner):
    totp, _codes = enable(owner)
    client = Client()
    password_step(client, owner)
    owner.set_password("new-password-for-alice-7")
    owner.save()
    assert client.post("/login/code/", {"code": totp.now()})["Location"] == "/login/"
    assert not signed_in(client)


def test_turning_it_off_needs_a_good_code(owner, owner_client):
    totp, codes = enable(owner)
    response = owner_client.post("/account/two-factor/off/", {"code": "000001"})
    assert response.status_code == 302 and TwoFactor.objects.filter(user=owner).exists()
    owner_client.post("/account/two-factor/off/", {"code": codes[0]})  # a recovery code is enough: the phone is gone
    assert not TwoFactor.objects.filter(user=owner).exists() and not RecoveryCode.objects.filter(user=owner).exists()
    assert "2fa.disabled" in actions()
    client = Client()
    assert password_step(client, owner)["Location"] == "/"


def test_new_recovery_codes_replace_the_old_ones(owner, owner_client):
    totp, old = enable(owner)
    response = owner_client.post("/account/two-factor/new-codes/", {"code": totp.now()})
    assert response["Location"] == "/account/two-factor/recovery-codes/"
    new = re.findall(r"<code>([a-z0-9-]{19})</code>", owner_client.get(response["Location"]).content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert "2fa.recovery_regenerated" in actions()
    client = Client()
    password_step(client, owner)
    assert client.post("/login/code/", {"code": old[0]}).status_code == 400
    assert client.post("/login/code/", {"code": new[0]}).status_code == 302


def test_an_agent_turns_it_on_for_their_own_account(agent, agent_client, owner):
    assert agent_client.get("/account/two-factor/").status_code == 200
    agent_client.get("/account/two-factor/setup/")
    secret = agent_client.session["sebar_2fa_setup"]
    agent_client.post("/account/two-factor/setup/", {"code": pyotp.TOTP(secret).now()})
    assert TwoFactor.objects.filter(user=agent).exists() and not TwoFactor.objects.filter(user=owner).exists()


# --- The API ---------------------------------------------------------------------------------------------------

def api_login(**body):
    return APIClient().post("/api/auth/login", body, format="json")


def test_the_api_login_asks_for_the_code(owner):
    totp, codes = enable(owner)
    missing = api_login(email=owner.email, password=PASSWORD)
    assert missing.status_code == 401 and missing.json()["error"] == "two_factor_required"
    assert "code" in missing.json()["fields"]
    wrong = api_login(email=owner.email, password=PASSWORD, code="000000" if totp.now() != "000000" else "111111")
    assert wrong.status_code == 401 and wrong.json()["error"] == "two_factor_invalid"
    assert "2fa.failed" in actions()
    ok = api_login(email=owner.email, password=PASSWORD, code=totp.now())
    assert ok.status_code == 200 and set(ok.json()) == {"access", "refresh"}
    by_recovery = api_login(email=owner.email, password=PASSWORD, code=codes[1])
    assert by_recovery.status_code == 200
    assert api_login(email=owner.email, password=PASSWORD, code=codes[1]).status_code == 401


def test_the_api_needs_the_password_before_the_code_counts(owner):
    totp, _codes = enable(owner)
    response = api_login(email=owner.email, password="not-the-password", code=totp.now())
    assert response.status_code == 401 and response.json()["error"] == "invalid_credentials"


def test_the_api_code_attempts_share_the_limit(owner, settings):
    settings.LOGIN_2FA_RATE_LIMIT = 2
    totp, _codes = enable(owner)
    for _ in range(2):
        api_login(email=owner.email, password=PASSWORD, code="000000" if totp.now() != "000000" else "111111")
    response = api_login(email=owner.email, password=PASSWORD, code=totp.now())
    assert response.status_code == 429 and response.json()["error"] == "rate_limited"


# --- The operator's requirement --------------------------------------------------------------------------------

def test_required_for_owners_sends_them_to_set_it_up(owner, owner_client, agent_client, settings):
    settings.SEBAR_REQUIRE_OWNER_2FA = True
    response = owner_client.get("/contacts/")
    assert response.status_code == 302 and response["Location"] == "/account/two-factor/setup/"
    assert owner_client.get("/account/two-factor/setup/").status_code == 200
    assert agent_client.get("/contacts/").status_code == 200  # agents are not held
    secret = owner_client.session["sebar_2fa_setup"]
    owner_client.post("/account/two-factor/setup/", {"code": pyotp.TOTP(secret).now()})
    assert owner_client.get("/contacts/").status_code == 200


def test_required_owners_cannot_turn_it_off_and_the_api_refuses_them_without_it(owner, owner_client, settings):
    settings.SEBAR_REQUIRE_OWNER_2FA = True
    refused = api_login(email=owner.email, password=PASSWORD)
    assert refused.status_code == 403 and refused.json()["error"] == "two_factor_setup_required"
    totp, codes = enable(owner)
    page = owner_client.get("/account/two-factor/")
    assert b'data-testid="two-factor-required"' in page.content and b"two-factor-disable" not in page.content
    owner_client.post("/account/two-factor/off/", {"code": codes[0]})
    assert TwoFactor.objects.filter(user=owner).exists()
    assert api_login(email=owner.email, password=PASSWORD, code=totp.now()).status_code == 200


def test_the_qr_address_names_the_account(owner):
    uri, qr = two_factor.setup_qr(owner, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    assert uri.startswith("otpauth://totp/Sebar:alice%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    assert qr.startswith("data:image/svg+xml;base64,")
