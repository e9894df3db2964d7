"""When a step is due: its delay after the previous one, moved forward into the sequence's sending window and off
weekends (workspace time zone). The engine adds its own quiet hours on top; computing the moment here, into
`Enrolment.next_due_at`, means nothing waits in a worker."""
from datetime import datetime, time, timedelta

WEEKEND = (5, 6)  # Saturday, Sunday


def _in_window(start, end, t):
    if start is None or end is None or start == end:
        return True
    if start < end:
        return start <= t < end
    return t >= start or t < end  # spans midnight, e.g. 20:00–02:00


def fit(sequence, moment):
    """The first moment at or after `moment` inside the sequence's window and, with skip weekends, on a weekday."""
    zone = sequence.workspace.zone
    local = moment.astimezone(zone)
    start, end = sequence.window_start, sequence.window_end
    for _day in range(9):  # a week and a bit always reaches a weekday inside the window
        if sequence.skip_weekends and local.weekday() in WEEKEND:
            local = datetime.combine(local.date() + timedelta(days=1), start or time(0, 0), tzinfo=zone)
            continue
        if _in_window(start, end, local.time()):
            return local
        if start < end and local.time() < start:
            local = datetime.combine(local.date(), start, tzinfo=zone)
        elif start < end:  # after today's window: tomorrow's start
            local = datetime.combine(local.date() + timedelta(days=1), start, tzinfo=zone)
        else:  # between the end and the start of a window spanning midnight: today's start
            local = datetime.combine(local.date(), start, tzinfo=zone)
    return local


def due_after(sequence, step, base):
    """When `step` is due for a contact whose previous step (or enrolment) was at `base`."""
    return fit(sequence, base + step.delay)
