"""Clicks queued in Redis reach the database exactly once, even when a flush dies half-way."""
import json

import pytest
from django.test import Client

from rotator import clicks
from rotator.models import Click, DailyClicks

from .factories import make_rotator

pytestmark = pytest.mark.django_db

UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"


def _click(client, n, slug="promo-june", **extra):
    for _ in range(n):
        assert client.get(f"/link/{slug}", HTTP_USER_AGENT=UA, **extra).status_code == 302


def test_flush_writes_clicks_counts_and_daily_totals(workspace):
    rotator = make_rotator(workspace, mode="SEQUENTIAL")
    client = Client()
    _click(client, 5, HTTP_REFERER="https://www.instagram.com/p/abc")
    _click(client, 1)
    assert rotator.clicks.count() == 0 and clicks.pending() == 6  # nothing written on the request path
    assert clicks.clicks_flush() == 6
    rotator.refresh_from_db()
    assert rotator.click_count == 6 and clicks.pending() == 0
    assert Click.objects.filter(referrer_host="www.instagram.com").count() == 5
    daily = {row.phone: row.clicks for row in DailyClicks.objects.filter(rotator=rotator)}
    assert daily == {"6281111111111": 2, "6282222222222": 2, "6283333333333": 2}
    assert clicks.clicks_flush() == 0


def test_crash_after_commit_before_trim_counts_once(workspace, monkeypatch):
    rotator = make_rotator(workspace)
    _click(Client(), 4)
    real_trim = clicks.trim_head

    def crash(*args, **kwargs):
        raise ConnectionError("worker killed between the database commit and the Redis trim")

    monkeypatch.setattr(clicks, "trim_head", crash)
    with pytest.raises(ConnectionError):
        clicks.clicks_flush()
    rotator.refresh_from_db()
    assert rotator.click_count == 4 and clicks.pending() == 4  # written, but still queued

    monkeypatch.setattr(clicks, "trim_head", real_trim)
    _click(Client(), 1)
    assert clicks.clicks_flush() == 5
    rotator.refresh_from_db()
    assert rotator.click_count == 5
    assert Click.objects.count() == 5 and clicks.pending() == 0
    assert sum(DailyClicks.objects.values_list("clicks", flat=True)) == 5


def test_crash_inside_the_write_loses_nothing(workspace, monkeypatch):
    rotator = make_rotator(workspace)
    _click(Client(), 3)
    real_create = DailyClicks.objects.create

    def crash(**kwargs):
        raise RuntimeError("database went away mid-batch")

    monkeypatch.setattr(DailyClicks.objects, "create", crash)
    with pytest.raises(RuntimeError):
        clicks.clicks_flush()
    rotator.refresh_from_db()
    assert rotator.click_count == 0 and Click.objects.count() == 0 and clicks.pending() == 3

    monkeypatch.setattr(DailyClicks.objects, "create", real_create)
    assert clicks.clicks_flush() == 3
    rotator.refresh_from_db()
    assert rotator.click_count == 3 and Click.objects.count() == 3


def test_batches_larger_than_one_read(workspace):
    rotator = make_rotator(workspace)
    _click(Client(), 7)
    assert clicks.clicks_flush(batch_size=3) == 7
    rotator.refresh_from_db()
    assert rotator.click_count == 7


def test_a_running_flush_is_not_doubled(workspace):
    make_rotator(workspace)
    _click(Client(), 2)
    redis = clicks.get_redis()
    redis.set(clicks._lock_key(), "someone-else", ex=30)
    assert clicks.clicks_flush() == 0 and clicks.pending() == 2
    redis.delete(clicks._lock_key())
    assert clicks.clicks_flush() == 2


def test_a_flusher_that_lost_its_lock_does_not_trim(workspace, monkeypatch):
    """If the lock expired mid-batch and another flusher took over, this one must leave the queue alone."""
    rotator = make_rotator(workspace)
    _click(Client(), 3)
    real_write = clicks.write_batch

    def slow_write(raw):
        real_write(raw)
        clicks.get_redis().set(clicks._lock_key(), "the-next-flusher", ex=30)  # our lock expired; another took it

    monkeypatch.setattr(clicks, "write_batch", slow_write)
    assert clicks.clicks_flush() == 0
    assert clicks.pending() == 3 and clicks.get_redis().get(clicks._lock_key()) == b"the-next-flusher"
    monkeypatch.setattr(clicks, "write_batch", real_write)
    clicks.get_redis().delete(clicks._lock_key())
    assert clicks.clicks_flush() == 3  # re-read, already written: skipped by uid, then trimmed
    rotator.refresh_from_db()
    assert rotator.click_count == 3 and Click.objects.count() == 3 and clicks.pending() == 0


def test_clicks_of_deleted_links_and_garbage_are_dropped(workspace):
    from rotator import services

    rotator = make_rotator(workspace)
    _click(Client(), 2)
    clicks.get_redis().rpush(clicks.queue_key(), b"not json")
    services.rotator_delete(rotator=rotator)
    assert clicks.clicks_flush() == 3
    assert Click.objects.count() == 0 and clicks.pending() == 0


def test_beat_task_runs_the_flush(workspace):
    from config.celery import collect_beat_schedule
    from rotator.tasks import clicks_flush_task

    entry = collect_beat_schedule()["rotator-clicks-flush"]
    assert entry["task"] == "rotator.tasks.clicks_flush_task"
    assert entry["options"]["expires"] < entry["schedule"]
    rotator = make_rotator(workspace)
    _click(Client(), 2)
    clicks_flush_task.delay()
    rotator.refresh_from_db()
    assert rotator.click_count == 2


def test_record_shape_is_small(workspace):
    make_rotator(workspace)
    _click(Client(), 1, HTTP_REFERER="https://m.facebook.com/" + "x" * 1000)
    raw = clicks.get_redis().lindex(clicks.queue_key(), 0)
    item = json.loads(raw)
    assert len(item["f"]) == 300 and len(raw) < 500


def test_days_are_the_workspaces_days(workspace):
    """20:30 UTC is 03:30 the next morning in Jakarta: the chart shows the click on the shop's day."""
    from datetime import UTC, datetime, timedelta

    import time_machine

    from rotator.selectors import rotator_stats

    workspace.time_zone = "Asia/Jakarta"
    workspace.save()
    rotator = make_rotator(workspace)
    evening = datetime.now(UTC).replace(hour=20, minute=30, second=0, microsecond=0) - timedelta(days=1)
    with time_machine.travel(evening, tick=False):
        _click(Client(), 1)
        clicks.clicks_flush()
        stats = rotator_stats(rotator=rotator, days=3)
    jakarta_day = (evening + timedelta(hours=7)).date()
    assert DailyClicks.objects.get(rotator=rotator).day == jakarta_day == evening.date() + timedelta(days=1)
    assert stats["time_zone"] == "Asia/Jakarta"
    assert stats["days"][-1] == jakarta_day.isoformat() and stats["clicks_per_day"][-1] == 1
    assert stats["top_referrers"] == [{"host": "", "clicks": 1}]


def test_old_click_details_are_pruned_and_daily_totals_stay(workspace, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.ROTATOR_CLICK_RETENTION_DAYS = 90
    rotator = make_rotator(workspace)
    _click(Client(), 3)
    clicks.clicks_flush()
    old = Click.objects.filter(rotator=rotator)[:2]
    Click.objects.filter(pk__in=[c.pk for c in old]).update(at=timezone.now() - timedelta(days=91))
    assert clicks.clicks_prune() == 2
    assert Click.objects.filter(rotator=rotator).count() == 1
    assert sum(DailyClicks.objects.filter(rotator=rotator).values_list("clicks", flat=True)) == 3
    rotator.refresh_from_db()
    assert rotator.click_count == 3


def test_links_answer_and_count_while_redis_is_down(workspace, settings, caplog):
    from rotator import link_config

    rotator = make_rotator(workspace, mode="SEQUENTIAL")
    working_redis = settings.REDIS_URL
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    link_config._local.clear()
    try:
        response = Client().get("/link/promo-june", HTTP_USER_AGENT=UA, HTTP_REFERER="https://m.facebook.com/")
        missing = Client().get("/link/no-such-link")
    finally:
        settings.REDIS_URL = working_redis  # the fixtures' teardown cleans keys in the real Redis
    assert response.status_code == 302 and response["Location"].startswith("https://wa.me/628")
    click = Click.objects.get(rotator=rotator)  # written at once, since there is no queue to flush
    assert click.referrer_host == "m.facebook.com" and response["Location"].startswith(f"https://wa.me/{click.phone}")
    rotator.refresh_from_db()
    assert rotator.click_count == 1
    assert "Redis unavailable" in caplog.text
    assert missing.status_code == 404
