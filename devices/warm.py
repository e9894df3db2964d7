"""Which phones are "warm" for a number: contacts who wrote to it before. A braked number (devices.health:
SECOND_WARNING, CAPPED, a timelock) sends only to them, since a reply opens no new chat against WhatsApp's quota.

Who wrote to whom lives in the inbox; the engine that obeys the brake is in campaigns, and neither may import
the other. So the registry sits below both, here: the inbox registers a filter from its AppConfig.ready()
(``register_warm_filter``) and campaigns asks ``warm_q``. ``fn(device_id)`` returns a ``Q`` over any model with a
``phone`` (the engine's ``Recipient``: an ``Exists`` on ``OuterRef("phone")``). With no filter registered no one
is warm: a braked number then opens no chat at all, the safe reading.
"""
from django.db.models import Q

_FILTERS = []


def register_warm_filter(fn) -> None:
    if fn not in _FILTERS:
        _FILTERS.append(fn)


def warm_q(device_id) -> Q:
    """The phones this number may still write to while braked."""
    q = Q(pk__in=[])
    for fn in _FILTERS:
        q |= fn(device_id)
    return q
