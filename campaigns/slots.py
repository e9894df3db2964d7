"""A device's slot and caps as one row (DevicePace): the UPDATE that holds the slot and takes a unit of the daily
and hourly caps for a send (``campaigns.engine._claim_slot`` decides what its answer means), and giving the units
back when the send never happened."""
from django.db import connection
from django.db.models import F
from django.utils import timezone

from . import windows
from .models import DevicePace

_SLOT_SQL = None


def _slot_sql():
    """The slot UPDATE as SQL, built once: it runs for every message, and the ORM spent longer composing it
    (three CASEs and two optional conditions) than the database took to run it. Portable SQL (SQLite and
    MariaDB). The SET order matters on MariaDB, which reads a column already assigned earlier in the list as
    its new value: each counter is set before the column its CASE reads."""
    global _SLOT_SQL
    if _SLOT_SQL is None:
        q = connection.ops.quote_name
        _SLOT_SQL = (
            # Only quoted names of our own model are formatted in; every value is a parameter.
            f"UPDATE {q(DevicePace._meta.db_table)} SET {q('next_send_at')} = %s, "  # noqa: S608
            f"{q('sent_today')} = CASE WHEN {q('day')} = %s THEN {q('sent_today')} + 1 ELSE 1 END, {q('day')} = %s, "
            f"{q('sent_this_hour')} = CASE WHEN {q('hour_started_at')} > %s THEN {q('sent_this_hour')} + 1 ELSE 1 END, "
            f"{q('hour_started_at')} = CASE WHEN {q('hour_started_at')} > %s THEN {q('hour_started_at')} ELSE %s END "
            f"WHERE {q('device_id')} = %s AND ({q('next_send_at')} IS NULL OR {q('next_send_at')} <= %s)",
            f" AND ({q('day')} IS NULL OR {q('day')} <> %s OR {q('sent_today')} < %s)",
            f" AND ({q('hour_started_at')} IS NULL OR {q('hour_started_at')} <= %s OR {q('sent_this_hour')} < %s)")
    return _SLOT_SQL


def slot_update(device_id, now, next_at, cap, today, hourly):
    ops = connection.ops
    at, day = ops.adapt_datetimefield_value, ops.adapt_datefield_value
    package_start = at(now - windows.HOUR)
    base, day_room, hour_room = _slot_sql()
    sql, params = base, [at(next_at), day(today), day(today), package_start, package_start, at(now), device_id, at(now)]
    if cap:
        sql += day_room
        params += [day(today), cap]
    if hourly:
        sql += hour_room
        params += [package_start, hourly]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def cap_give_back(device_id, today):
    """The units of the device's caps `_claim_slot` took, back: its send never happened or never reached
    WAHA, so it must not count against the number's day or hour."""
    DevicePace.objects.filter(device_id=device_id, day=today, sent_today__gt=0).update(
        sent_today=F("sent_today") - 1)
    DevicePace.objects.filter(device_id=device_id, sent_this_hour__gt=0,
                              hour_started_at__gt=timezone.now() - windows.HOUR).update(
        sent_this_hour=F("sent_this_hour") - 1)
