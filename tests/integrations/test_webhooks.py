"""Outbound webhooks (#15): events become signed deliveries to the endpoints that chose them, posted from a worker
with retries and backoff, at least once, switched off after days of failing; private addresses are refused."""
import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.utils import timezone

from config.errors import UserError
from contacts.services import contact_create, contact_opt_out
from integrations import webhooks
from integrations.models import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db


class Receiver:
    """A real HTTP receiver on loopback: answers the codes it is given in turn (then 200), records each post."""

    def __init__(self):
        self.posts, self.codes, self.delay = [], [], 0.0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.posts.append({"headers": dict(self.headers), "body": body})
                if receiver.delay:
                    threading.Event().wait(receiver.delay)
                code = receiver.codes.pop(0) if receiver.codes else 200
                self.send_response(code)
                if code in (301, 302):
                    self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
                self.end_headers()
                self.wfile.write(b"thanks" if code < 300 else b"nope")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver(settings):
    settings.OUTBOUND_ALLOW_HTTP = True
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.0/8"]  # the receiver is on loopback, as a LAN host would be
    r = Receiver()
    yield r
    r.server.shutdown()


@pytest.fixture
def endpoint(workspace, owner, receiver):
    return webhooks.endpoint_create(workspace=workspace, actor=owner, url=receiver.url,
                                    events=["contact.created", "contact.opted_out"])


def _emit_now(callbacks, fn, *args, **kwargs):
    with callbacks(execute=True):
        return fn(*args, **kwargs)


def _deliver_now(endpoint):
    row = webhooks._deliveries_create([endpoint], "webhook.test", {})[0]
    webhooks.delivery_attempt(row.pk)
    row.refresh_from_db()
    return row


def _verified(secret, header, body):
    """The receiver's check, written from the docs, not from the code under test."""
    parts = dict(p.split("=", 1) for p in header.split(","))
    expected = hmac.new(secret.encode(), parts["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


def test_an_event_reaches_the_endpoint_signed(workspace, endpoint, receiver, django_capture_on_commit_callbacks):
    contact = _emit_now(django_capture_on_commit_callbacks, contact_create, workspace=workspace,
                        phone="+62 812 1111 2222", name="Ani")
    assert len(receiver.posts) == 1
    post = receiver.posts[0]
    assert _verified(endpoint.secret, post["headers"]["Sebar-Signature"], post["body"])
    assert not _verified("whsec_other", post["headers"]["Sebar-Signature"], post["body"])
    body = json.loads(post["body"])
    assert body["event"] == "contact.created" and body["id"].startswith("evt_")
    assert body["data"]["contact"] == {"id": contact.pk, "phone": "6281211112222", "name": "Ani",
                                       "source": "Manual"}
    row = WebhookDelivery.objects.get()
    assert row.status == WebhookDelivery.Status.DELIVERED and row.response_code == 200 and row.attempts == 1


def test_only_the_events_chosen_and_only_this_workspace(workspace, other_workspace, owner, endpoint, receiver,
                                                        django_capture_on_commit_callbacks):
    other = webhooks.endpoint_create(workspace=other_workspace, actor=None, url=receiver.url,
                                     events=["contact.created"])
    webhooks.endpoint_create(workspace=workspace, actor=owner, url=receiver.url, events=["device.status"])
    _emit_now(django_capture_on_commit_callbacks, contact_create, workspace=workspace, phone="+6281211112222")
    assert list(WebhookDelivery.objects.values_list("endpoint_id", flat=True)) == [endpoint.pk]
    assert not WebhookDelivery.objects.filter(endpoint=other).exists()


def test_a_rolled_back_action_tells_nobody(workspace, endpoint, receiver, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            contact_create(workspace=workspace, phone="+6281211112222")
            raise RuntimeError("the request failed after the contact was saved")
    assert receiver.posts == [] and not WebhookDelivery.objects.exists()


def test_failures_are_retried_with_backoff_then_delivered(workspace, endpoint, receiver,
                                                          django_capture_on_commit_callbacks):
    receiver.codes = [500, 503]
    with time_machine.travel(timezone.now(), tick=False) as clock:
        contact = _emit_now(django_capture_on_commit_callbacks, contact_create, workspace=workspace,
                            phone="+6281211112222")
        row = WebhookDelivery.objects.get()
        assert row.status == WebhookDelivery.Status.PENDING and row.attempts == 1 and row.response_code == 500
        assert row.next_attempt_at == timezone.now() + timedelta(seconds=30)
        assert webhooks.delivery_attempt(row.pk) == "skip"  # not due yet: nothing is posted
        clock.shift(31)
        assert webhooks.webhook_deliveries_sweep() == 1
        row.refresh_from_db()
        assert row.attempts == 2 and row.next_attempt_at == timezone.now() + timedelta(seconds=60)
        clock.shift(61)
        webhooks.webhook_deliveries_sweep()
    row.refresh_from_db()
    assert row.status == WebhookDelivery.Status.DELIVERED and row.attempts == 3
    bodies = {p["body"] for p in receiver.posts}
    assert len(receiver.posts) == 3 and len(bodies) == 1  # the same body, the same event id, each time
    assert contact.pk == json.loads(bodies.pop())["data"]["contact"]["id"]


def test_after_about_a_day_a_delivery_fails_for_good(workspace, endpoint, receiver):
    assert 20 * 3600 < sum(webhooks.RETRY_SCHEDULE) < 30 * 3600
    row = webhooks._deliveries_create([endpoint], "webhook.test", {})[0]
    WebhookDelivery.objects.filter(pk=row.pk).update(attempts=len(webhooks.RETRY_SCHEDULE))
    receiver.codes = [500]
    assert webhooks.delivery_attempt(row.pk) == "failed"
    row.refresh_from_db()
    assert row.status == WebhookDelivery.Status.FAILED and row.response_excerpt == "nope"


def test_two_tasks_for_one_delivery_post_it_once(workspace, endpoint, receiver, monkeypatch):
    row = WebhookDelivery.objects.create(workspace=workspace, endpoint=endpoint, event_id="evt_1", event="x",
                                         body="{}")
    post, inner = webhooks._post, []

    def second_task_meanwhile(*args, **kwargs):
        inner.append(webhooks.delivery_attempt(row.pk))  # the duplicate task runs while the first posts
        return post(*args, **kwargs)

    monkeypatch.setattr(webhooks, "_post", second_task_meanwhile)
    assert webhooks.delivery_attempt(row.pk) == "delivered"
    assert inner == ["skip"] and len(receiver.posts) == 1


def test_a_busy_endpoint_waits_its_turn_without_posting(workspace, endpoint, receiver):
    now = timezone.now()
    for i in range(webhooks.IN_FLIGHT_PER_ENDPOINT):
        WebhookDelivery.objects.create(workspace=workspace, endpoint=endpoint, event_id=f"evt_busy{i}", event="x",
                                       body="{}", status=WebhookDelivery.Status.SENDING, claimed_at=now)
    row = WebhookDelivery.objects.create(workspace=workspace, endpoint=endpoint, event_id="evt_next", event="x",
                                         body="{}")
    assert webhooks.delivery_attempt(row.pk) == "busy"
    row.refresh_from_db()
    assert row.status == WebhookDelivery.Status.PENDING and row.attempts == 0 and receiver.posts == []


def test_a_worker_that_died_mid_post_is_taken_back_by_the_sweep(workspace, endpoint, receiver):
    old = timezone.now() - webhooks.CLAIM_LEASE - timedelta(seconds=1)
    row = WebhookDelivery.objects.create(workspace=workspace, endpoint=endpoint, event_id="evt_1", event="x",
                                         body="{}", status=WebhookDelivery.Status.SENDING, claimed_at=old,
                                         attempts=1)
    webhooks.webhook_deliveries_sweep()
    row.refresh_from_db()
    assert row.status == WebhookDelivery.Status.DELIVERED and len(receiver.posts) == 1


def test_an_endpoint_failing_for_days_is_switched_off_and_the_owner_told(workspace, endpoint, receiver, owner,
                                                                         mailoutbox, settings):
    settings.WEBHOOK_DISABLE_AFTER_DAYS = 3
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=timezone.now() - timedelta(days=3, hours=1))
    receiver.codes = [500]
    row = _deliver_now(endpoint)
    endpoint.refresh_from_db()
    assert not endpoint.is_active and "3 days" in endpoint.disabled_reason
    assert [m.to for m in mailoutbox] == [[owner.email]] and endpoint.url in mailoutbox[0].body
    # Switched off: new events are not queued for it, and the sweep leaves its waiting rows.
    assert webhooks.webhook_deliveries_sweep() == 0
    assert WebhookDelivery.objects.get(pk=row.pk).status == WebhookDelivery.Status.PENDING
    webhooks.endpoint_update(workspace=workspace, endpoint_id=endpoint.pk, is_active=True)
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.failing_since is None


def test_a_success_clears_the_failing_mark(workspace, endpoint, receiver):
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=timezone.now() - timedelta(days=1))
    _deliver_now(endpoint)
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None


def test_private_addresses_are_refused(workspace, owner, settings, receiver):
    settings.OUTBOUND_ALLOWED_NETWORKS = []
    for url in (receiver.url, "http://10.0.0.5/hooks", "http://169.254.169.254/latest", "http://[::1]/x"):
        with pytest.raises(UserError) as exc:
            webhooks.endpoint_create(workspace=workspace, actor=owner, url=url, events=["contact.created"])
        assert exc.value.code == "outbound_refused"
    settings.OUTBOUND_ALLOW_HTTP = False
    with pytest.raises(UserError):
        webhooks.endpoint_create(workspace=workspace, actor=owner, url="http://example.com/x",
                                 events=["contact.created"])


def test_an_address_that_became_private_is_not_posted_to(workspace, endpoint, receiver, settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = []  # saved while allowed; the operator has since closed the LAN
    row = _deliver_now(endpoint)
    assert receiver.posts == [] and row.status == WebhookDelivery.Status.PENDING
    assert "private or internal network" in row.response_excerpt


def test_a_redirect_is_not_followed(workspace, endpoint, receiver):
    receiver.codes = [302]
    row = _deliver_now(endpoint)
    assert len(receiver.posts) == 1 and row.response_code == 302, row.response_excerpt
    assert row.status == WebhookDelivery.Status.PENDING


def test_the_checked_session_refuses_a_peer_that_is_private(settings, receiver):
    """The second check, on the socket: a name that resolves to loopback at connect time is refused."""
    from config import outbound

    settings.OUTBOUND_ALLOWED_NETWORKS = []
    with pytest.raises(UserError):
        outbound.requests_session().post(receiver.url.replace("127.0.0.1", "localhost"), data=b"{}", timeout=2)
    assert receiver.posts == []


def test_opt_out_and_redeliver(workspace, endpoint, receiver, django_capture_on_commit_callbacks):
    contact = _emit_now(django_capture_on_commit_callbacks, contact_create, workspace=workspace,
                        phone="+6281211112222")
    _emit_now(django_capture_on_commit_callbacks, contact_opt_out, contact=contact, reason="STOP")
    events = [json.loads(p["body"])["event"] for p in receiver.posts]
    assert events == ["contact.created", "contact.opted_out"]
    delivery = WebhookDelivery.objects.get(event="contact.opted_out")
    _emit_now(django_capture_on_commit_callbacks, webhooks.redeliver, workspace=workspace, delivery_id=delivery.pk)
    assert len(receiver.posts) == 3 and receiver.posts[2]["body"] == receiver.posts[1]["body"]


def test_a_finished_post_starts_the_endpoints_next_delivery(workspace, endpoint, receiver, monkeypatch):
    monkeypatch.setattr(webhooks, "IN_FLIGHT_PER_ENDPOINT", 1)
    first = WebhookDelivery.objects.create(workspace=workspace, endpoint=endpoint, event_id="evt_a", event="x",
                                           body='{"n":1}')
    second = WebhookDelivery.objects.create(workspace=workspace, endpoint=endpoint, event_id="evt_b", event="x",
                                            body='{"n":2}')
    post, seen = webhooks._post, []

    def meanwhile(*args, **kwargs):
        if not seen:
            seen.append(webhooks.delivery_attempt(second.pk))  # the endpoint is busy: it waits, posting nothing
        return post(*args, **kwargs)

    monkeypatch.setattr(webhooks, "_post", meanwhile)
    assert webhooks.delivery_attempt(first.pk) == "delivered"
    assert seen == ["busy"]
    second.refresh_from_db()
    assert second.status == WebhookDelivery.Status.DELIVERED  # started by the first's end, not by a poll
    assert [p["body"] for p in receiver.posts] == [b'{"n":1}', b'{"n":2}']


def test_the_sweep_starts_each_endpoint_once_per_free_post(workspace, endpoint, owner, receiver, monkeypatch):
    started = []
    monkeypatch.setattr(webhooks.queue, "enqueue_each", lambda task, ids: started.extend(ids) or len(ids))
    other = webhooks.endpoint_create(workspace=workspace, actor=owner, url=receiver.url, events=["contact.created"])
    rows = [WebhookDelivery.objects.create(workspace=workspace, endpoint=endpoint, event_id=f"evt_{i}", event="x",
                                           body="{}") for i in range(5)]
    WebhookDelivery.objects.create(workspace=workspace, endpoint=endpoint, event_id="evt_busy", event="x", body="{}",
                                   status=WebhookDelivery.Status.SENDING, claimed_at=timezone.now())
    lone = WebhookDelivery.objects.create(workspace=workspace, endpoint=other, event_id="evt_o", event="x", body="{}")
    assert webhooks.webhook_deliveries_sweep() == 2
    # One free post on the busy endpoint: its oldest row; the other endpoint: its only row. Not one task per row.
    assert sorted(started) == sorted([rows[0].pk, lone.pk])
