"""The engine at scale, with concurrent transactions (committed for real): claims that skip rows another
device holds instead of waiting for them, and an audience freeze cut off mid-way that kept its chunks.

Kept apart from test_engine_scale.py: a transactional test empties the tables when it ends, so a file
mixing both kinds would leave the next file's tests without the seeded plans.
"""
import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from campaigns import completion, engine, services
from campaigns.claims import claim_recipient
from campaigns.models import Campaign, Recipient

from .helpers import later

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(services, "FREEZE_BATCH", 4)


def test_a_claim_skips_rows_another_device_holds_instead_of_waiting(workspace, owner, make_device, make_contacts):
    if not connection.features.has_select_for_update_skip_locked:
        pytest.skip("SKIP LOCKED: MariaDB 10.6+, not SQLite")
    device = make_device(workspace)
    make_contacts(workspace, 12)
    campaign = services.campaign_create(workspace=workspace, actor=owner, name="Big", message="Hi", tags=["VIP"],
                                        schedule=later(3600))
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.PROCESSING, freeze_cursor=0)
    services.recipients_freeze(campaign=campaign)
    oldest = list(Recipient.objects.filter(campaign=campaign).order_by("pk").values_list("pk", flat=True))
    held, release = threading.Event(), threading.Event()

    def another_device_claiming():
        try:
            with transaction.atomic():
                # Another claimer holds the ten oldest rows (more than one claim's candidate batch).
                list(Recipient.objects.select_for_update().filter(pk__in=oldest[:10]))
                held.set()
                release.wait(20)
        finally:
            connection.close()

    holder = threading.Thread(target=another_device_claiming)
    holder.start()
    try:
        assert held.wait(10)
        with connection.cursor() as cursor:
            cursor.execute("SET SESSION innodb_lock_wait_timeout = 2")
        started = timezone.now()
        row = claim_recipient(campaign, device, attempt=False)
        waited = (timezone.now() - started).total_seconds()
    finally:
        release.set()
        holder.join(20)
        with connection.cursor() as cursor:
            cursor.execute("SET SESSION innodb_lock_wait_timeout = 50")
    assert row is not None and row.pk in oldest[10:]
    assert waited < 1.5  # skipped the held rows, did not wait for their locks


def test_a_freeze_cut_off_mid_way_keeps_its_chunks_and_resumes_without_duplicates(
        workspace, owner, make_device, make_contacts, small_chunks, monkeypatch):
    make_device(workspace)
    contacts = make_contacts(workspace, 10)
    monkeypatch.setattr(engine, "_arm_step", lambda *args: None)  # no chain runs here (eager Celery would)
    campaign = services.campaign_create(workspace=workspace, actor=owner, name="Big", message="Hi [name]",
                                        tags=["VIP"], schedule=later(3600))
    Campaign.objects.filter(pk=campaign.pk).update(scheduled_at=timezone.now())
    real_bulk_create = Recipient.objects.bulk_create
    chunks = []

    def dies_on_the_third_chunk(rows, **kwargs):
        chunks.append(len(rows))
        if len(chunks) == 3:
            raise SystemExit("worker killed")
        return real_bulk_create(rows, **kwargs)

    monkeypatch.setattr(Recipient.objects, "bulk_create", dies_on_the_third_chunk)
    with pytest.raises(SystemExit):
        services.campaign_launch(campaign_id=campaign.pk)
    campaign.refresh_from_db()
    # Two chunks were committed on their own; the campaign knows where to go on.
    assert Recipient.objects.filter(campaign=campaign).count() == 8
    assert campaign.status == Campaign.Status.PROCESSING and campaign.freeze_cursor == contacts[7].pk
    assert completion.campaigns_complete() == 0  # a campaign still being frozen is never "complete"

    # The task is retried (or the beat finds the stalled freeze): it carries on from the cursor.
    monkeypatch.setattr(Recipient.objects, "bulk_create", real_bulk_create)
    Campaign.objects.filter(pk=campaign.pk).update(updated_at=timezone.now() - timedelta(minutes=10))
    services.campaigns_start_due()
    campaign.refresh_from_db()
    assert campaign.freeze_cursor is None and campaign.total_recipients == 10
    assert sorted(Recipient.objects.filter(campaign=campaign).values_list("contact_id", flat=True)) == \
        sorted(c.pk for c in contacts)
    # Running the launch once more (a duplicate task) adds nothing.
    services.campaign_launch(campaign_id=campaign.pk)
    assert Recipient.objects.filter(campaign=campaign).count() == 10
