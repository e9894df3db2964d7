"""Settings → Audit log for owners (their workspace only, newest first, by action, a page at a time), 403 for
agents; the admin's read-only list for operators; audit_record never breaks the action it records."""
import logging
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from audit import services
from audit.models import AuditEntry
from audit.views import PER_PAGE

pytestmark = pytest.mark.django_db


def entry(workspace, action="apikey.created", target="", minutes_ago=0, **fields):
    return AuditEntry.objects.create(workspace=workspace, action=action, target=target,
                                     created_at=timezone.now() - timedelta(minutes=minutes_ago), **fields)


def test_the_owner_sees_the_workspace_entries_newest_first(owner_client, workspace):
    entry(workspace, target="older-key", minutes_ago=5, ip="203.0.113.5", actor_label="alice@example.com")
    entry(workspace, "contacts.exported", target="newer-export")
    html = owner_client.get("/settings/audit/").content.decode()
    assert html.index("newer-export") < html.index("older-key")
    assert "Contacts exported" in html and "API key created" in html and "203.0.113.5" in html
    assert 'data-testid="tab-audit"' in html


def test_the_filter_by_action(owner_client, workspace):
    entry(workspace, target="the-key")
    entry(workspace, "contacts.exported", target="the-export")
    html = owner_client.get("/settings/audit/?action=contacts.exported").content.decode()
    assert "the-export" in html and "the-key" not in html
    html = owner_client.get("/settings/audit/?action=no.such").content.decode()  # unknown: everything
    assert "the-export" in html and "the-key" in html


def test_pages_of_entries(owner_client, workspace):
    for n in range(PER_PAGE + 3):
        entry(workspace, target=f"key-{n:03d}", minutes_ago=n)
    first = owner_client.get("/settings/audit/").content.decode()
    second = owner_client.get("/settings/audit/?page=2").content.decode()
    assert "key-000" in first and f"key-{PER_PAGE:03d}" not in first
    assert f"key-{PER_PAGE:03d}" in second and "key-000" not in second
    assert 'data-testid="audit-next"' in first


def test_another_workspace_never_sees_the_entries(outsider_client, owner_client, workspace, other_workspace):
    entry(workspace, target="alpha-secret-row")
    entry(None, "auth.login_failed", target="operator-level-row")
    entry(other_workspace, target="bravo-own-row")
    html = outsider_client.get("/settings/audit/").content.decode()
    assert "bravo-own-row" in html
    assert "alpha-secret-row" not in html and "operator-level-row" not in html
    for action in ("apikey.created", "auth.login_failed"):
        html = outsider_client.get(f"/settings/audit/?action={action}").content.decode()
        assert "alpha-secret-row" not in html and "operator-level-row" not in html
    assert "operator-level-row" not in owner_client.get("/settings/audit/").content.decode()


def test_no_api_endpoint_lists_audit_entries(owner_api, workspace):
    entry(workspace, target="alpha-secret-row")
    schema = owner_api.get("/api/schema/?format=json").json()
    assert not [path for path in schema["paths"] if "audit" in path]


def test_agents_are_refused_and_visitors_sent_to_log_in(agent_client, client, workspace):
    entry(workspace, target="alpha-secret-row")
    refused = agent_client.get("/settings/audit/")
    assert refused.status_code == 403 and b"alpha-secret-row" not in refused.content
    assert client.get("/settings/audit/").status_code == 302
    assert agent_client.post("/settings/audit/").status_code == 403


def test_post_is_not_allowed(owner_client):
    assert owner_client.post("/settings/audit/").status_code == 405


def test_operators_read_every_workspace_in_the_admin(admin_client, workspace, other_workspace):
    one = entry(workspace, target="alpha-row")
    entry(other_workspace, target="bravo-row")
    html = admin_client.get("/admin/audit/auditentry/").content.decode()
    assert "alpha-row" in html and "bravo-row" in html
    assert admin_client.get("/admin/audit/auditentry/?action__exact=apikey.created").status_code == 200
    assert admin_client.get("/admin/audit/auditentry/add/").status_code == 403
    assert admin_client.post(f"/admin/audit/auditentry/{one.pk}/change/", {"target": "changed"}).status_code == 403
    assert admin_client.post(f"/admin/audit/auditentry/{one.pk}/delete/", {"post": "yes"}).status_code == 403
    one.refresh_from_db()
    assert one.target == "alpha-row"


def test_a_failing_audit_write_never_breaks_the_action(workspace, monkeypatch, caplog):
    def broken(self, *args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(AuditEntry, "save", broken)
    with caplog.at_level(logging.ERROR, logger="audit.services"):
        assert services.audit_record(action="apikey.created", workspace=workspace) is None
    assert "apikey.created" in caplog.text


def test_an_unknown_action_is_logged_and_not_written(workspace, caplog):
    with caplog.at_level(logging.ERROR, logger="audit.services"):
        assert services.audit_record(action="apikey.stolen", workspace=workspace) is None
    assert "apikey.stolen" in caplog.text and not AuditEntry.objects.exists()


def test_an_entry_shares_the_fate_of_the_action_transaction(workspace):
    with pytest.raises(ZeroDivisionError):
        with transaction.atomic():
            services.audit_record(action="apikey.created", workspace=workspace, target="rolled-back")
            raise ZeroDivisionError("the action failed")
    assert not AuditEntry.objects.exists()
