"""The daily roll-ups: which days to recount, and the recount of one day from its source rows.

Two ways a day becomes due:

- campaigns tells us (marks.recipients_changed, from its sends, acks, replies): recipients change in place,
  and an ack or a reply belongs to the day of its send, however late it arrives;
- the append-only sources (inbox messages, contacts) are read past a watermark (their highest primary key
  taken), and each new row's day is marked.

``rollup_pending`` (beat, every minute) then recounts each marked day from the source rows with one grouped
query per source and writes the day's rows whole. Nothing is ever incremented, so running it twice, or again
after a worker died half-way, gives the same rows; a mark is removed only after its day was written, and only
when it is older than the recount (a mark made meanwhile stays for the next run).
"""
from collections import defaultdict
from datetime import datetime, time, timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import Workspace
from campaigns.models import Recipient
from campaigns.selectors import SENT_STATUSES
from contacts.models import Contact
from inbox.models import Message

from .marks import days_mark
from .models import DailyStat, DirtyDay, Watermark, rows_upsert

Metric = DailyStat.Metric
# A row newer than this may still have a transaction with a lower primary key open beside it: the watermark
# stays below it, so the next run reads it again (its day is marked twice, which costs one more recount).
SETTLE = timedelta(minutes=2)
# Marks refreshed this close before a recount started are kept, in case the marking worker's clock is ahead.
CLOCK_SKEW = timedelta(seconds=60)
BATCH = 5000
SOURCES = {"inbox.message": Message, "contacts.contact": Contact}


def day_bounds(day, zone):
    start = datetime.combine(day, time.min, tzinfo=zone)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)


def day_count(*, workspace_id, day, zone):
    """{(metric, device key): value} of one day, counted from the source rows (zeros left out)."""
    start, end = day_bounds(day, zone)
    counts = {}
    sends = (Recipient.objects.filter(workspace_id=workspace_id, sent_at__gte=start, sent_at__lt=end)
             .order_by().values("device_used")
             .annotate(sent=Count("pk", filter=Q(status__in=SENT_STATUSES)),
                       delivered=Count("pk", filter=Q(status__in=[Recipient.Status.DELIVERED,
                                                                  Recipient.Status.READ])),
                       read=Count("pk", filter=Q(status=Recipient.Status.READ)),
                       replied=Count("pk", filter=Q(replied_at__isnull=False))))
    for row in sends:
        for metric in (Metric.SENT, Metric.DELIVERED, Metric.READ, Metric.REPLIED):
            counts[(metric, row["device_used"] or 0)] = row[metric.value]
    messages = (Message.objects.filter(workspace_id=workspace_id, created_at__gte=start, created_at__lt=end)
                .order_by().values("device", "direction").annotate(n=Count("pk")))
    for row in messages:
        metric = Metric.INBOUND if row["direction"] == Message.Direction.IN else Metric.OUTBOUND
        counts[(metric, row["device"] or 0)] = counts.get((metric, row["device"] or 0), 0) + row["n"]
    counts[(Metric.NEW_CONTACTS, 0)] = Contact.objects.filter(
        workspace_id=workspace_id, created_at__gte=start, created_at__lt=end).count()
    return {key: value for key, value in counts.items() if value}


def day_recount(*, workspace_id, day, zone):
    """Write one day's rows from a fresh count: the old rows go, the new ones are upserted (a concurrent
    recount of the same day writes the same values)."""
    counts = day_count(workspace_id=workspace_id, day=day, zone=zone)
    with transaction.atomic():
        DailyStat.objects.filter(workspace_id=workspace_id, day=day).delete()
        rows = [DailyStat(workspace_id=workspace_id, day=day, metric=metric, device_key=key, value=value)
                for (metric, key), value in sorted(counts.items())]
        rows_upsert(DailyStat, rows, unique_fields=["workspace", "day", "metric", "device_key"],
                    update_fields=["value"])
    return counts


def _zones(workspace_ids):
    return {ws.pk: ws.zone for ws in Workspace.objects.filter(pk__in=set(workspace_ids)).only("time_zone")}


def sources_scan(*, now):
    """Mark the days of the append-only sources' rows past each watermark, then move the watermark."""
    for name, model in SOURCES.items():
        while True:
            mark, _created = Watermark.objects.get_or_create(name=name)
            rows = list(model.objects.filter(pk__gt=mark.value).order_by("pk")
                        .values_list("pk", "workspace_id", "created_at")[:BATCH])
            if not rows:
                break
            zones = _zones(ws for _pk, ws, _at in rows)
            settled_to, held = mark.value, False
            for pk, _ws, created_at in rows:
                if created_at >= now - SETTLE:
                    held = True
                    break
                settled_to = pk
            with transaction.atomic():
                days_mark(((ws, at.astimezone(zones[ws]).date()) for _pk, ws, at in rows if ws in zones), now=now)
                Watermark.objects.filter(name=name, value=mark.value).update(value=settled_to)
            if held or len(rows) < BATCH:
                break


def rollup_pending(*, now=None, limit=None):
    """Recount every marked day; returns how many days were written. ``limit`` stops early (the rest stays
    marked for the next run)."""
    now = now or timezone.now()
    sources_scan(now=now)
    due = list(DirtyDay.objects.filter(marked_at__lte=now).order_by("day", "workspace_id")[:limit])
    zones = _zones(mark.workspace_id for mark in due)
    done = 0
    for mark in due:
        if mark.workspace_id in zones:
            day_recount(workspace_id=mark.workspace_id, day=mark.day, zone=zones[mark.workspace_id])
        DirtyDay.objects.filter(pk=mark.pk, marked_at__lte=now - CLOCK_SKEW).delete()
        done += 1
    return done


def days_rebuild(*, workspace, days, now=None):
    """Recount a workspace's last ``days`` days at once (a backfill, or after its time zone changed)."""
    zone = workspace.zone
    today = (now or timezone.now()).astimezone(zone).date()
    per_day = defaultdict(dict)
    for offset in range(days):
        day = today - timedelta(days=offset)
        per_day[day] = day_recount(workspace_id=workspace.pk, day=day, zone=zone)
    return per_day
