"""Things that happened in a workspace, told to whoever listens (today: outbound webhooks, in integrations).

Lower apps cannot import the apps that listen (STYLE.md's one-way map), so they `emit` here and the listener
connects to `event_emitted` from its AppConfig.ready(). An event is sent once the transaction that made it
commits: a rolled-back action tells nobody. `data` must be JSON-serialisable and say what a receiver needs
without another call (ids and the figures of the change).
"""
from django.db import transaction
from django.dispatch import Signal

# Sent with: name (e.g. "message.received"), workspace_id, data (dict).
event_emitted = Signal()


def emit(name, *, workspace_id, data):
    if workspace_id is None:
        return
    transaction.on_commit(lambda: event_emitted.send(sender=None, name=name, workspace_id=workspace_id,
                                                     data=data))
