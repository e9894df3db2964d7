"""Each sensitive action writes exactly one audit entry, with who did it and from which address (issue 19)."""
import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts import team
from accounts.models import Membership
from audit.models import AuditEntry
from billing import services as billing
from billing.models import Subscription
from contacts.models import Contact
from devices.models import Device
from integrations.models import ApiKey
from tests.devices.device_fixtures import FAKE_URL, emulator_fixture, fake_waha_fixture, make_device
from tests.factories import PASSWORD, UserFactory
from tests.integrations.conftest import key_client, make_key

__all__ = ["emulator_fixture", "fake_waha_fixture", "make_key"]
pytestmark = pytest.mark.django_db

IP = "203.0.113.9"
UA = "Mozilla/5.0 (Audit test) " + "x" * 400


def only(action):
    entries = list(AuditEntry.objects.filter(action=action))
    assert len(entries) == 1, [(e.action, e.target) for e in AuditEntry.objects.all()]
    return entries[0]


def from_here(entry, actor, workspace):
    assert entry.actor == actor and entry.workspace == workspace
    assert entry.ip == IP
    assert entry.user_agent.startswith("Mozilla/5.0 (Audit test)") and len(entry.user_agent) == 255


def test_a_sign_in_on_the_page(client, owner, workspace):
    client.post("/login/", {"email": owner.email, "password": PASSWORD}, REMOTE_ADDR=IP, HTTP_USER_AGENT=UA)
    entry = only("auth.login")
    from_here(entry, owner, workspace)
    assert entry.actor_label == owner.email


def test_a_sign_in_on_the_api(api_client, owner, workspace):
    response = api_client.post("/api/auth/login", {"email": owner.email, "password": PASSWORD}, format="json",
                               REMOTE_ADDR=IP, HTTP_USER_AGENT=UA)
    assert response.status_code == 200
    entry = only("auth.login")
    from_here(entry, owner, workspace)
    assert entry.details == {"via": "api"}


def test_the_client_address_follows_the_trusted_proxy_rule(client, owner, settings):
    forged = {"REMOTE_ADDR": IP, "HTTP_X_FORWARDED_FOR": "198.51.100.1"}
    client.post("/login/", {"email": owner.email, "password": PASSWORD}, **forged)
    assert only("auth.login").ip == IP  # a header any client can write is not believed by default
    AuditEntry.objects.all().delete()
    settings.TRUST_X_FORWARDED_FOR = True
    Client().post("/login/", {"email": owner.email, "password": PASSWORD}, **forged)
    assert only("auth.login").ip == "198.51.100.1"


def test_failed_sign_ins_are_recorded_and_the_page_does_not_tell_whether_the_address_exists(client, owner,
                                                                                          workspace):
    known = client.post("/login/", {"email": owner.email, "password": "wrong-password-1"}, REMOTE_ADDR=IP,
                        HTTP_USER_AGENT=UA)
    unknown = client.post("/login/", {"email": "nobody@example.com", "password": "wrong-password-1"},
                          REMOTE_ADDR=IP, HTTP_USER_AGENT=UA)
    assert known.status_code == unknown.status_code == 200
    # The two pages differ only by the address typed back into the form and the CSRF token.
    assert page_text(known, owner.email) == page_text(unknown, "nobody@example.com")
    entries = AuditEntry.objects.filter(action="auth.login_failed").order_by("pk")
    assert [(e.workspace, e.actor, e.target, e.ip) for e in entries] == [
        (workspace, None, owner.email, IP), (None, None, "nobody@example.com", IP)]
    assert not AuditEntry.objects.filter(action="auth.login").exists()


def page_text(response, email):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode().replace(email, "@"))


def test_a_failed_api_sign_in(api_client, owner, workspace):
    response = api_client.post("/api/auth/login", {"email": owner.email, "password": "nope-nope-1"}, format="json",
                               REMOTE_ADDR=IP)
    assert response.status_code == 401
    entry = only("auth.login_failed")
    assert entry.workspace == workspace and entry.actor is None and entry.ip == IP


def test_team_invite_revoke_join_and_remove(owner_client, owner, workspace, client, django_capture_on_commit_callbacks):
    extra = {"REMOTE_ADDR": IP, "HTTP_USER_AGENT": UA}
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post("/team/invite/", {"email": "dewi@example.com"}, **extra)
    from_here(only("member.invited"), owner, workspace)
    assert only("member.invited").target == "dewi@example.com"
    invitation = workspace_invitation(workspace)
    owner_client.post(f"/team/invitations/{invitation.pk}/revoke/", **extra)
    from_here(only("invitation.revoked"), owner, workspace)

    joining = team.invitation_create(workspace=workspace, actor=owner, email="eka@example.com")
    eka = UserFactory(email="eka@example.com")
    team.invitation_accept(token=joining.token, user=eka)
    joined = only("member.joined")
    assert joined.actor == eka and joined.workspace == workspace

    membership = Membership.objects.get(user=eka)
    owner_client.post(f"/team/members/{membership.pk}/remove/", **extra)
    removed = only("member.removed")
    from_here(removed, owner, workspace)
    assert removed.target == "eka@example.com"


def workspace_invitation(workspace):
    from accounts.invitations import Invitation

    return Invitation.objects.for_workspace(workspace).get()


def test_a_device_added_and_removed(owner_api, owner, workspace, emulator):
    response = owner_api.post("/api/devices/scan", {"label": "Sales"}, format="json", REMOTE_ADDR=IP,
                              HTTP_USER_AGENT=UA)
    assert response.status_code == 201
    added = only("device.added")
    from_here(added, owner, workspace)
    assert added.target == "Sales"


def test_a_device_removed(owner_api, owner, workspace, fake_waha):
    server, mock = fake_waha
    make_device(workspace, server, session="ws1-del", label="Kasir")
    mock.post(f"{FAKE_URL}/api/sessions/ws1-del/logout", json={"name": "ws1-del"}, status=201)
    mock.delete(f"{FAKE_URL}/api/sessions/ws1-del", body=b"", status=200)
    assert owner_api.delete("/api/devices/ws1-del", REMOTE_ADDR=IP, HTTP_USER_AGENT=UA).status_code == 204
    assert not Device.objects.exists()
    removed = only("device.removed")
    from_here(removed, owner, workspace)
    assert removed.target == "Kasir"


def test_a_device_whose_removal_fails_leaves_no_entry(owner_api, workspace, fake_waha):
    server, mock = fake_waha
    make_device(workspace, server, session="ws1-keep")
    mock.post(f"{FAKE_URL}/api/sessions/ws1-keep/logout", json={"message": "engine crashed"}, status=500)
    assert owner_api.delete("/api/devices/ws1-keep").status_code == 502
    assert not AuditEntry.objects.filter(action="device.removed").exists()


def _contacts(workspace, n):
    return [Contact.objects.create(workspace=workspace, phone=f"62812000{i:04d}", name=f"C{i}") for i in range(n)]


def test_contacts_exported_on_the_page_and_the_api(owner_client, owner_api, owner, workspace):
    _contacts(workspace, 3)
    response = owner_client.get("/contacts/export/?type=xlsx", REMOTE_ADDR=IP, HTTP_USER_AGENT=UA)
    assert response.status_code == 200
    page = only("contacts.exported")
    from_here(page, owner, workspace)
    assert page.details == {"rows": 3, "format": "xlsx"}
    AuditEntry.objects.all().delete()
    response = owner_api.get("/api/contacts/export", REMOTE_ADDR=IP, HTTP_USER_AGENT=UA)
    assert response.status_code == 200
    api = only("contacts.exported")
    from_here(api, owner, workspace)
    assert api.details == {"rows": 3, "format": "csv"}


def test_contacts_deleted_in_bulk(owner_client, owner, workspace):
    ids = [c.pk for c in _contacts(workspace, 4)]
    owner_client.post("/contacts/bulk/", {"action": "delete", "ids": ids[:3]}, REMOTE_ADDR=IP, HTTP_USER_AGENT=UA)
    assert Contact.objects.count() == 1
    entry = only("contacts.deleted")
    from_here(entry, owner, workspace)
    assert entry.details == {"count": 3, "selection": "ids"}
    owner_client.post("/contacts/bulk/", {"action": "tag", "ids": ids, "tags": "vip"})
    assert AuditEntry.objects.filter(action__startswith="contacts.").count() == 1  # tagging is no deletion


def test_an_api_key_request_records_the_key(make_key, owner, workspace):
    _contacts(workspace, 2)
    key, full = make_key(scopes=["contacts:read", "contacts:write"])
    client = key_client(full)
    assert client.get("/api/contacts/export", REMOTE_ADDR=IP, HTTP_USER_AGENT=UA).status_code == 200
    entry = only("contacts.exported")
    assert entry.actor_label == f"API key {key.prefix}" and entry.workspace == workspace and entry.ip == IP
    ids = list(Contact.objects.values_list("pk", flat=True))
    assert client.post("/api/contacts/bulk", {"action": "delete", "ids": ids}, format="json").status_code == 200
    assert only("contacts.deleted").actor_label == f"API key {key.prefix}"


def test_api_keys_created_and_revoked(owner_client, owner, workspace):
    owner_client.post("/settings/api-keys/", {"name": "Orders", "scopes": ["contacts:read"]}, REMOTE_ADDR=IP,
                      HTTP_USER_AGENT=UA)
    key = ApiKey.objects.get()
    created = only("apikey.created")
    from_here(created, owner, workspace)
    assert created.target == f"{key.prefix} Orders"
    assert created.details == {"scopes": ["contacts:read"], "transactional": False}
    owner_client.post(f"/settings/api-keys/{key.pk}/revoke/", REMOTE_ADDR=IP, HTTP_USER_AGENT=UA)
    owner_client.post(f"/settings/api-keys/{key.pk}/revoke/")  # twice changes nothing, and records nothing
    from_here(only("apikey.revoked"), owner, workspace)


def test_a_plan_chosen_then_paid(owner_client, owner, workspace, settings):
    from tests.billing.helpers import plan

    settings.SANDBOX_PAYMENTS = True
    owner_client.post("/billing/choose/", {"package_id": plan("pro").pk, "months": 3}, REMOTE_ADDR=IP,
                      HTTP_USER_AGENT=UA)
    line = Subscription.objects.get()
    chosen = only("plan.chosen")
    from_here(chosen, owner, workspace)
    assert chosen.details == {"months": 3, "amount": str(line.amount)}
    owner_client.post(f"/billing/invoices/{line.reference}/sandbox-pay", REMOTE_ADDR=IP, HTTP_USER_AGENT=UA)
    line.refresh_from_db()
    assert line.payment_status == Subscription.Status.PAID
    from_here(only("plan.paid"), owner, workspace)
    billing.subscription_mark_paid(subscription_id=line.pk)  # already paid: nothing new
    assert AuditEntry.objects.filter(action="plan.paid").count() == 1


def test_an_operator_marking_paid_is_the_actor(admin_client, admin_user, workspace, owner):
    from tests.billing.helpers import plan

    line = billing.subscription_choose(workspace=workspace, actor=owner, package_id=plan("pro").pk, months=1)
    admin_client.post("/admin/billing/subscription/", {"action": "mark_paid", "_selected_action": [line.pk]},
                      REMOTE_ADDR=IP)
    line.refresh_from_db()
    assert line.payment_status == Subscription.Status.PAID
    paid = only("plan.paid")
    assert paid.actor == admin_user and paid.workspace == workspace and paid.ip == IP


def test_a_free_plan_switch(owner, workspace):
    from tests.billing.helpers import paid, plan

    paid(workspace, "pro")
    billing.subscription_choose(workspace=workspace, actor=owner, package_id=plan("free").pk)
    entry = only("plan.changed")
    assert entry.actor == owner and entry.workspace == workspace and entry.ip is None  # no request: no address


def test_assistant_settings_changed(owner_client, owner, workspace, settings):
    settings.OPENAI_API_KEY = ""
    form = {"min_similarity": "0.4", "faq_min_score": "1.5", "bot_replies_per_hour": "4",
            "instructions": "Jawab singkat."}
    assert owner_client.post(reverse("inbox:assistant"), form, REMOTE_ADDR=IP,
                             HTTP_USER_AGENT=UA).status_code == 302
    entry = only("assistant.changed")
    from_here(entry, owner, workspace)
    assert "instructions" in entry.details["fields"] and "Jawab" not in str(entry.details)
    owner_client.post(reverse("inbox:assistant"), form)  # the same values again: nothing changed
    assert AuditEntry.objects.filter(action="assistant.changed").count() == 1


def test_webhooks_added_changed_and_deleted(owner_client, owner, workspace, monkeypatch):
    from integrations.models import WebhookEndpoint

    monkeypatch.setattr("config.outbound._resolve", lambda host, port: ["93.184.215.14"])
    url = "https://hooks.example.com/sebar?token=hush"
    owner_client.post("/settings/webhooks/", {"url": url, "events": ["contact.created"]}, REMOTE_ADDR=IP,
                      HTTP_USER_AGENT=UA)
    endpoint = WebhookEndpoint.objects.get()
    created = only("webhook.created")
    from_here(created, owner, workspace)
    assert created.target == "hooks.example.com/sebar" and created.details == {"events": ["contact.created"]}
    owner_client.post(f"/settings/webhooks/{endpoint.pk}/off/", REMOTE_ADDR=IP, HTTP_USER_AGENT=UA)
    owner_client.post(f"/settings/webhooks/{endpoint.pk}/off/")  # already off: nothing changed, nothing recorded
    changed = only("webhook.changed")
    from_here(changed, owner, workspace)
    assert changed.details == {"fields": ["is_active"]}
    owner_client.post(f"/settings/webhooks/{endpoint.pk}/delete/", REMOTE_ADDR=IP, HTTP_USER_AGENT=UA)
    assert not WebhookEndpoint.objects.exists()
    from_here(only("webhook.deleted"), owner, workspace)
    assert "hush" not in str(list(AuditEntry.objects.values()))
