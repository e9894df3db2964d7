"""Reading a date and time a person typed as a wall-clock time in a given zone (the workspace's): the
campaign schedule and an inbox message's "send later" read it the same way."""
from datetime import datetime

# ISO-like forms first, then what the pickers show (day first, 24 hours).
FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M")


def wall_clock_parse(value, zone):
    """An aware datetime: a naive value is read in `zone`, one with an offset (ISO 8601) keeps it.

    Raises ValueError when the text is not a date and time; the caller words the error for its field."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    text = str(value).strip()
    for fmt in FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=zone)
        except ValueError:
            continue
    parsed = datetime.fromisoformat(text)  # "2026-05-01T10:00:00+07:00", "...Z"
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
