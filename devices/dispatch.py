"""The one dispatch point for WAHA events: event name → the services that handle it, as dotted paths.

Each handler is called as ``handler(device=<Device>, event=<full WAHA envelope dict>)`` from
``webhook_event_process_task``, after the webhook was verified, stored and de-duplicated by envelope
id. Dotted paths keep ``devices`` free of imports from the apps above it (STYLE §1); a test imports
every path, so a typo fails CI instead of silently dropping events. Every event Sebar subscribes to
(``devices.waha.DEFAULT_EVENTS``) has an entry; an empty list means "received and ignored".
Apps add their own handler to the list of the event they own (a one-line edit here).
"""
from django.utils.module_loading import import_string

HANDLERS = {
    "session.status": ["devices.services.session_status_event_apply"],
    "message": ["inbox.receive.inbound_message_receive", "campaigns.services.recipient_reply_apply"],
    "message.any": ["inbox.receive.outbound_message_record", "campaigns.services.recipient_sent_seen"],
    "message.ack": ["inbox.receive.message_ack_apply", "campaigns.services.recipient_ack_apply"],
    "message.ack.group": [],
}


def handlers_for(event_name):
    """The handler callables for an event; an import failure raises (a broken path is a bug, not a skip)."""
    return [import_string(path) for path in HANDLERS.get(event_name, ())]


def dispatch(*, device, event) -> int:
    """Call every handler of ``event["event"]``; returns how many ran (0 = ignored)."""
    handlers = handlers_for(event.get("event"))
    for handler in handlers:
        handler(device=device, event=event)
    return len(handlers)
