"""Which events a workspace's active endpoints chose, cached.

The engine emits ``message.status`` for every send and most workspaces have no endpoint, so the common answer
("nobody listens to this") must not cost a query per message. The cached set is only ever used to skip work:
when it names the event, the endpoints are read afresh. Any save or delete of an endpoint forgets the set,
again once its transaction committed (a reader between the write and the commit may have cached the old set).
"""
from django.core.cache import cache
from django.db import transaction

from .models import WebhookEndpoint

TTL = 300


def _key(workspace_id):
    return f"hooks:events:{workspace_id}"


def events_of(workspace_id):
    """The set of event names some active endpoint of the workspace chose."""
    cached = cache.get(key := _key(workspace_id))
    if cached is not None:
        return set(cached)
    names = set()
    for events in WebhookEndpoint.objects.filter(workspace_id=workspace_id, is_active=True).values_list(
            "events", flat=True):
        names.update(events or ())
    cache.set(key, sorted(names), TTL)
    return names


def forget(workspace_id):
    cache.delete(_key(workspace_id))
    transaction.on_commit(lambda: cache.delete(_key(workspace_id)))


def endpoint_changed(sender, instance, **kwargs):
    """post_save / post_delete of an endpoint (connected in apps.py)."""
    forget(instance.workspace_id)
