"""Sequential links stay strictly round-robin when many clicks arrive at the same moment."""
import threading
from collections import Counter

import pytest
from django.test import RequestFactory

from rotator import clicks, link_config, picking
from rotator.public_views import link_redirect

from .factories import make_rotator

pytestmark = pytest.mark.django_db

PHONES = tuple(f"62812000000{i:02d}" for i in range(7))


def _hammer(work, threads=8, per_thread=70):
    barrier = threading.Barrier(threads)
    results, lock = [], threading.Lock()

    def run():
        barrier.wait()
        mine = [work() for _ in range(per_thread)]
        with lock:
            results.extend(mine)

    pool = [threading.Thread(target=run) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return results


def test_concurrent_picks_are_exactly_even(workspace):
    make_rotator(workspace, slug="rr", mode="SEQUENTIAL", phones=PHONES)
    config = link_config.load("rr")
    numbers = picking.candidates(config)

    def click():
        index = picking.choose(config, numbers)
        assert index == picking.BY_COUNTER
        return clicks.record_click(config=config, numbers=numbers, index=index, referrer="", agent="mobile",
                                   is_bot=False)[1]

    counts = Counter(_hammer(click))
    assert sum(counts.values()) == 560
    assert counts == {phone: 80 for phone in PHONES}
    assert clicks.pending() == 560  # every pick queued exactly one click
    clicks.clicks_flush()
    from rotator.models import DailyClicks

    assert sorted(DailyClicks.objects.values_list("phone", "clicks")) == [(p, 80) for p in PHONES]


def test_concurrent_requests_to_the_view_are_exactly_even(workspace):
    make_rotator(workspace, slug="rr-view", mode="SEQUENTIAL", phones=PHONES)
    link_config.load("rr-view")  # warm: the threads then never touch the database
    factory = RequestFactory()

    def click():
        response = link_redirect(factory.get("/link/rr-view", HTTP_USER_AGENT="Mozilla/5.0 (iPhone)"), "rr-view")
        return response["Location"].split("/")[3].split("?")[0]

    counts = Counter(_hammer(click, threads=7, per_thread=30))
    assert counts == {phone: 30 for phone in PHONES}
