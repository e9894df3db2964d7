"""A campaign being launched must never be completed by a concurrent completion sweep (the beat kick)."""
import threading

import pytest
from django.db import connection, transaction

from campaigns import completion, services
from campaigns.models import Campaign, Recipient

from .helpers import later

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # The anomaly is MariaDB's READ COMMITTED. SQLite serialises writers, and the in-memory shared-cache
    # test database answers a second writer "table is locked" at once instead of waiting as a file does.
    pytest.mark.skipif(connection.vendor == "sqlite", reason="needs concurrent writers (MariaDB)"),
]


def _in_thread(target):
    def run():
        try:
            target()
        finally:
            connection.close()
    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_completion_sweep_never_completes_a_campaign_launched_while_it_ran(workspace, owner, make_device,
                                                                          make_contacts):
    make_device(workspace)
    make_contacts(workspace, 5)
    done = services.campaign_create(workspace=workspace, actor=owner, name="Done", message="Hi", tags=["VIP"],
                                    schedule=later(3600))
    Campaign.objects.filter(pk=done.pk).update(status=Campaign.Status.PROCESSING)  # finished: no open rows
    launching = services.campaign_create(workspace=workspace, actor=owner, name="New", message="Hi [name]",
                                         tags=["VIP"], schedule=later(3600))
    locked, release, swept = threading.Event(), threading.Event(), []

    def hold_done():
        # Another transaction holds the finished campaign's row, so the sweep waits there mid-statement...
        with transaction.atomic():
            list(Campaign.objects.select_for_update().filter(pk=done.pk))
            locked.set()
            release.wait(10)

    holder = _in_thread(hold_done)
    assert locked.wait(10)
    sweeper = _in_thread(lambda: swept.append(completion.campaigns_complete()))
    sweeper.join(0.5)
    # ...while the other campaign launches: PROCESSING and its rows frozen, committed together.
    with transaction.atomic():
        Campaign.objects.filter(pk=launching.pk).update(status=Campaign.Status.PROCESSING, freeze_cursor=0)
        services.recipients_freeze(campaign=Campaign.objects.get(pk=launching.pk))
    release.set()
    holder.join(10)
    sweeper.join(10)
    assert swept == [1]
    assert Campaign.objects.get(pk=done.pk).status == Campaign.Status.COMPLETED
    assert Campaign.objects.get(pk=launching.pk).status == Campaign.Status.PROCESSING
    assert Recipient.objects.filter(campaign=launching, status=Recipient.Status.PENDING).count() == 5
