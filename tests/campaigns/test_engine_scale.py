"""The engine at scale: a kick whose cost does not grow with live chains, claims that skip rows other devices
hold (where the database can), and an audience written in resumable chunks."""
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaigns import engine, engine_beat, services
from campaigns.claims import claim_recipient
from campaigns.models import Campaign, DevicePace, Recipient
from devices.models import Device

from .helpers import later, start

pytestmark = pytest.mark.django_db


def _live_fleet(driver, workspace, owner, make_device, make_contacts, devices):
    for _ in range(devices):
        make_device(workspace)
    make_contacts(workspace, 3)
    campaign = start(driver, workspace, owner, delay=(5, 5))
    driver.queue.clear()  # the chains the launch armed stay "live" (armed_until ahead); nothing runs them
    return campaign


def _kick_queries():
    with CaptureQueriesContext(connection) as queries:
        started = engine_beat.engine_kick()
    return started, len(queries.captured_queries)


def test_a_kick_over_live_chains_costs_the_same_for_two_or_eight_devices(driver, workspace, other_workspace, owner,
                                                                        make_device, make_contacts):
    _live_fleet(driver, workspace, owner, make_device, make_contacts, 2)
    started, few = _kick_queries()
    assert started == 0
    from tests.factories import MembershipFactory, UserFactory

    other_owner = MembershipFactory(workspace=other_workspace, user=UserFactory(email="o2@example.com")).user
    _live_fleet(driver, other_workspace, other_owner, make_device, make_contacts, 6)
    started, many = _kick_queries()
    assert started == 0
    # One statement finds the due chains (none) and one finds finished campaigns: nothing per device.
    assert many == few <= 2


def test_the_kick_starts_exactly_the_chains_that_are_due(driver, workspace, owner, make_device, make_contacts):
    _live_fleet(driver, workspace, owner, make_device, make_contacts, 3)
    paces = list(DevicePace.objects.order_by("pk"))
    DevicePace.objects.filter(pk=paces[0].pk).update(armed_until=timezone.now() - timedelta(seconds=1))  # lost
    DevicePace.objects.filter(pk=paces[1].pk).delete()  # never had a chain
    chains = dict(DevicePace.objects.values_list("pk", "chain"))
    assert driver.kick() == 2
    after = dict(DevicePace.objects.values_list("pk", "chain"))
    assert after[paces[0].pk] == chains[paces[0].pk] + 1 and paces[1].pk in after
    assert after[paces[2].pk] == chains[paces[2].pk]  # live: untouched
    assert sorted(args[0] for _due, _seq, _fn, args in driver.queue) == sorted([paces[0].pk, paces[1].pk])
    assert driver.kick() == 0  # now live: a second kick starts nothing


# ---------------------------------------------------------------- claims


def test_claims_lock_and_skip_where_the_database_can(driver, workspace, owner, make_device, make_contacts):
    device = make_device(workspace)
    make_contacts(workspace, 3)
    campaign = start(driver, workspace, owner, schedule=later(3600))
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.PROCESSING, freeze_cursor=0)
    services.recipients_freeze(campaign=campaign)
    with CaptureQueriesContext(connection) as queries:
        row = claim_recipient(campaign, device, attempt=False)
    assert row is not None and Recipient.objects.get(pk=row.pk).status == Recipient.Status.SENDING
    sql = " ".join(q["sql"] for q in queries.captured_queries).upper()
    if connection.features.has_select_for_update_skip_locked:
        assert "SKIP LOCKED" in sql
    else:  # SQLite: one writer at a time anyway; the conditional UPDATE is the claim
        assert "FOR UPDATE" not in sql


# ---------------------------------------------------------------- the audience freeze in chunks


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(services, "FREEZE_BATCH", 4)


def test_the_freeze_writes_the_audience_in_chunks(driver, workspace, owner, make_device, make_contacts,
                                                  small_chunks):
    make_device(workspace)
    make_contacts(workspace, 10)
    with CaptureQueriesContext(connection) as queries:
        campaign = start(driver, workspace, owner)
    sql = [q["sql"].upper() for q in queries.captured_queries]
    inserts = [i for i, q in enumerate(sql) if q.startswith("INSERT") and "CAMPAIGNS_RECIPIENT" in q[:60]]
    assert len(inserts) == 3  # 4 + 4 + 2 contacts
    # Each chunk is its own transaction (a savepoint inside the test's): it ends before the next chunk starts.
    for first, second in zip(inserts, inserts[1:], strict=False):
        assert any(q.startswith("RELEASE SAVEPOINT") for q in sql[first:second]), "chunks share one transaction"
    assert campaign.total_recipients == 10 and campaign.freeze_cursor is None
    assert Recipient.objects.filter(campaign=campaign).count() == 10


# ---------------------------------------------------------------- a due step runs in the task that armed it


def test_a_chain_task_runs_its_due_steps_inline_then_yields_the_worker(workspace, owner, make_device, make_contacts,
                                                                       waha, monkeypatch,
                                                                       django_capture_on_commit_callbacks):
    from campaigns import tasks

    device = make_device(workspace)
    make_contacts(workspace, 30)
    queued = []

    def queue_step(device_id, _chain, countdown):
        queued.append((device_id, countdown))
    monkeypatch.setattr(engine, "_queue_step", queue_step)
    with django_capture_on_commit_callbacks(execute=True):
        campaign = services.campaign_create(workspace=workspace, actor=owner, name="Now", message="Hi", tags=["VIP"],
                                            delay_min=0, delay_max=0, typing_simulation=False)
        services.campaign_launch(campaign_id=campaign.pk)
    assert queued == [(device.pk, 0)]  # the launch armed the chain through the queue
    chain = DevicePace.objects.get(device=device).chain
    queued.clear()
    monkeypatch.setattr(engine, "INLINE_SECONDS", 0.0)  # the time budget spent at once: one step, then the queue
    tasks.device_send_task(device.pk, chain)
    assert len(waha.sent()) == 1 and queued == [(device.pk, 0)]
    queued.clear()
    monkeypatch.setattr(engine, "INLINE_SECONDS", 600.0)  # now only the step budget counts (slow CI boxes)
    tasks.device_send_task(device.pk, chain)
    # One task: its own step and INLINE_STEPS more, each due at once, without a Celery round trip each...
    assert len(waha.sent()) == 1 + engine.INLINE_STEPS + 1
    # ...then the chain's next step goes back through the queue, so other devices get the worker.
    assert queued == [(device.pk, 0)]
    queued.clear()
    tasks.device_send_task(device.pk, chain)
    assert len(waha.sent()) == 30 and queued == []  # the rest, then idle: nothing left to arm
    assert set(Recipient.objects.filter(campaign=campaign).values_list("status", flat=True)) == {"SENT"}


def _zero_delay_run(workspace, owner, make_device, make_contacts, monkeypatch, capture, contacts):
    """A launched zero-delay campaign on one device whose chain runs only when the test calls its task, with a
    time budget that never runs out (slow CI boxes): (device, campaign, chain)."""
    device = make_device(workspace)
    make_contacts(workspace, contacts)
    monkeypatch.setattr(engine, "_queue_step", lambda *args: None)
    with capture(execute=True):
        campaign = services.campaign_create(workspace=workspace, actor=owner, name="Now", message="Hi", tags=["VIP"],
                                            delay_min=0, delay_max=0, typing_simulation=False)
        services.campaign_launch(campaign_id=campaign.pk)
    monkeypatch.setattr(engine, "INLINE_SECONDS", 600.0)
    return device, campaign, DevicePace.objects.get(device=device).chain


def test_steps_run_inline_reuse_the_first_steps_reads(workspace, owner, make_device, make_contacts, waha, monkeypatch,
                                                      django_capture_on_commit_callbacks):
    """The steps of one inline run read the device (with its server, health, brake and cap settings) and the plan
    once; each reads only the pace afresh. A run started later reads everything again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from campaigns import tasks

    device, campaign, chain = _zero_delay_run(workspace, owner, make_device, make_contacts, monkeypatch,
                                              django_capture_on_commit_callbacks, 40)
    with CaptureQueriesContext(connection) as ctx:
        tasks.device_send_task(device.pk, chain)
    sent = len(waha.sent())
    assert sent == 1 + engine.INLINE_STEPS
    # Statements only (MariaDB's claim adds its transaction's, and quotes with backticks).
    sql = [q for q in (c["sql"].lower().replace("`", '"') for c in ctx.captured_queries)
           if not q.startswith(("savepoint", "release savepoint", "begin", "commit", "rollback"))]
    assert sum(1 for q in sql if q.lstrip().startswith("select") and 'from "devices_device"' in q) == 1
    assert sum(1 for q in sql if 'from "billing_subscription"' in q) == 1
    assert sum(1 for q in sql if 'from "campaigns_devicepace"' in q) == engine.INLINE_STEPS
    assert sum(1 for q in sql if q.lstrip().startswith('select "campaigns_campaign"')) == 1
    assert len(sql) / sent < 8.5  # 9.2 when every step read everything (12.3 before the webhook and mark caches)
    # The next task is a new run: a device switched off meanwhile is seen at once.
    Device.objects.filter(pk=device.pk).update(is_active_for_broadcast=False)
    tasks.device_send_task(device.pk, chain)
    assert len(waha.sent()) == sent


def test_a_pause_during_an_inline_run_stops_it_at_the_next_claim(workspace, owner, make_device, make_contacts, waha,
                                                                 monkeypatch, django_capture_on_commit_callbacks):
    """The steps of a run reuse the list of campaigns they read first, but a claim takes rows of a sending
    campaign only: the owner's pause holds at once, not after the run."""
    from campaigns import tasks

    device, campaign, chain = _zero_delay_run(workspace, owner, make_device, make_contacts, monkeypatch,
                                              django_capture_on_commit_callbacks, 30)
    send = engine._send

    def pause_after_the_third(*args, **kwargs):
        sent = send(*args, **kwargs)
        if len(waha.sent()) == 3:
            Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.PAUSED)
        return sent
    monkeypatch.setattr(engine, "_send", pause_after_the_third)
    assert tasks.device_send_task(device.pk, chain) == "idle"
    assert len(waha.sent()) == 3
    assert Recipient.objects.filter(campaign=campaign, status=Recipient.Status.PENDING).count() == 27
