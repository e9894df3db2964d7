"""The inbox's section on a contact's page: the latest messages with them, on every number, and the way in."""
from .selectors import chat_messages, visible_chats

SHOWN = 8


def contact_chat_panel(request, contact):
    chats = list(visible_chats(workspace=request.workspace, membership=request.membership)
                 .filter(kind="direct", phone=contact.phone).order_by("-last_message_at", "-pk"))
    latest = list(chat_messages(chat=chats[0], chats=chats)[:SHOWN]) if chats else []
    return {"template": "inbox/_contact_panel.html", "chat": chats[0] if chats else None, "contact": contact,
            "messages_list": list(reversed(latest)), "several_numbers": len({c.device_id for c in chats}) > 1}
