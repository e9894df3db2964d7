"""Who hears that campaign figures changed: apps above campaigns (analytics keeps daily roll-ups) register a
listener from their own ``AppConfig.ready()`` (STYLE.md §1); campaigns keeps only this list and never names them.

A listener gets the workspace and the send times of the rows whose figures moved (sent, delivered, read,
failed after sending, replied): an ack or a reply counts in the day of its send, so that day is what changed.
"""
_listeners = []


def register_recipients_changed(listener):
    """``listener(*, workspace_id, sent_at)``: ``sent_at`` is a list of aware datetimes (None skipped)."""
    if listener not in _listeners:
        _listeners.append(listener)


def recipients_changed(*, workspace_id, sent_at):
    times = [when for when in sent_at if when is not None]
    if not times:
        return
    for listener in _listeners:
        listener(workspace_id=workspace_id, sent_at=times)
