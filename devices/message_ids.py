"""Pre-generated message ids (API.md §3): a send that carries an id Sebar chose is recognisable whatever
happens to its answer.

A send whose answer never came (a read timeout, a 5xx after WAHA took it) stays in flight rather than
being sent again; holding its id beforehand lets the ack or ``message.any`` that follows settle exactly
that row, even for a chat WhatsApp names only by its @lid. Only NOWEB and GOWS make ids (WAHA 2026.4.3+);
WEBJS and an engine not yet learned send without one, as before.
"""
import logging

from . import waha
from .models import WahaServer
from .selectors import client_for

log = logging.getLogger(__name__)

ENGINES_WITH_IDS = frozenset({"NOWEB", "GOWS"})
KNOWN_ENGINES = ENGINES_WITH_IDS | {"WEBJS", "WPP"}


def engine_of(event_or_info) -> str:
    """The engine named by a webhook envelope (``"engine": "GOWS"``) or a session answer
    (``"engine": {"engine": "GOWS", …}``); "" when it names none."""
    engine = (event_or_info or {}).get("engine") if isinstance(event_or_info, dict) else None
    if isinstance(engine, dict):
        engine = engine.get("engine")
    engine = str(engine or "").upper()
    return engine if engine in KNOWN_ENGINES else ""


def engine_learn(*, server_id, engine) -> bool:
    """Note the server's engine; a new engine (an upgrade or a switch) gets another chance at ids.
    One UPDATE that matches nothing when the engine is already known, so callers need not check first."""
    if not engine or server_id is None:
        return False
    return bool(WahaServer.objects.filter(pk=server_id).exclude(engine=engine).update(
        engine=engine, pregenerated_ids=True))


def new_message_id(device) -> str | None:
    """A fresh WhatsApp short id for the device's next send, or None to send without one.

    Never raises: a send must not fail because its id could not be made. A server that says it cannot
    make ids (501, or an older WAHA without the route) is remembered, so it is not asked per message.
    """
    server = device.server
    if server is None or server.engine not in ENGINES_WITH_IDS or not server.pregenerated_ids:
        return None
    try:
        short_id = client_for(device).new_message_id(device.session_name)
    except (waha.WahaNotImplemented, waha.WahaNotFound) as exc:
        if isinstance(exc, waha.WahaNotFound) and "session" in str(exc).lower():
            return None  # the session is gone, not the feature: the send will say so
        log.info("WAHA server %s makes no message ids (%s); sending without them", server.pk, exc)
        WahaServer.objects.filter(pk=server.pk).update(pregenerated_ids=False)
        server.pregenerated_ids = False
        return None
    except (waha.WahaError, KeyError, TypeError) as exc:
        log.warning("no pre-generated id for %s: %s", device.session_name, exc)
        return None
    short_id = str(short_id or "").strip()
    return short_id if 0 < len(short_id) <= 64 and short_id.isalnum() else None
