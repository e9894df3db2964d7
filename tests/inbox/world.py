"""Workspace A's inbox objects for the tenant walk: a chat with a message, a rule, a quick reply, knowledge."""
import datetime

from accounts.models import Membership
from devices.models import Device, WahaServer
from inbox.models import (
    AgentAvailability,
    AutoReply,
    BusinessHours,
    Chat,
    ChatEvent,
    KnowledgeSource,
    Label,
    Message,
    QuickReply,
)
from tests.url_walk import MARKER

PUBLIC = {}


def build(workspace, owner):
    from django.utils import timezone

    server, _ = WahaServer.objects.get_or_create(name="inbox-walk", defaults={"base_url": "http://127.0.0.1:9"})
    device = Device.objects.create(workspace=workspace, session_name="inbox-walk-1", server=server, label=MARKER)
    chat = Chat.objects.create(workspace=workspace, device=device, phone="628999000111", name=MARKER,
                               last_message_preview=MARKER, last_message_at=timezone.now(),
                               customer_wrote_at=timezone.now())
    message = Message.objects.create(workspace=workspace, chat=chat, device=device, direction="in", sender="customer",
                           text=MARKER, timestamp=timezone.now(), short_id="WALK1")
    scheduled = Message.objects.create(workspace=workspace, chat=chat, device=device, direction="out", sender="agent",
                                       text=MARKER, timestamp=timezone.now(), send_state="scheduled",
                                       send_at=timezone.now() + datetime.timedelta(days=1))
    rule = AutoReply.objects.create(workspace=workspace, keyword=MARKER, response_text=MARKER)
    quick = QuickReply.objects.create(workspace=workspace, title=MARKER, text=MARKER)
    source = KnowledgeSource.objects.create(workspace=workspace, kind="faq", title=MARKER, question=MARKER,
                                            text=MARKER, status="ready")
    label = Label.objects.create(workspace=workspace, name=MARKER, colour="red")
    chat.labels.add(label)
    ChatEvent.objects.create(workspace=workspace, chat=chat, kind="note", author=owner, text=MARKER)
    BusinessHours.objects.create(workspace=workspace, enabled=True, away_message=MARKER, welcome_message=MARKER,
                                 holidays=[{"date": "2026-12-25", "name": MARKER}])
    membership = Membership.objects.get(user=owner)
    AgentAvailability.objects.create(workspace=workspace, membership=membership, capacity=7)
    return {
        "inbox:agent_availability": {"pk": membership.pk},
        "api:agent-availability": {"pk": membership.pk},
        "phone": chat.phone,
        "api:label-detail": {"pk": label.pk},
        "inbox:chat_status": {"pk": chat.pk},
        "inbox:chat_labels": {"pk": chat.pk},
        "inbox:chat_note": {"pk": chat.pk},
        "inbox:label_edit": {"pk": label.pk},
        "inbox:label_delete": {"pk": label.pk},
        "api:autoreply-detail": {"pk": rule.pk},
        "api:quickreply-detail": {"pk": quick.pk},
        "api:knowledge-detail": {"pk": source.pk},
        "inbox:chat": {"pk": chat.pk},
        "inbox:chat_messages": {"pk": chat.pk},
        "inbox:chat_send": {"pk": chat.pk},
        "inbox:chat_bot": {"pk": chat.pk},
        "inbox:chat_resume_bot": {"pk": chat.pk},
        "inbox:chat_assign": {"pk": chat.pk},
        "inbox:autoreply_edit": {"pk": rule.pk},
        "inbox:autoreply_delete": {"pk": rule.pk},
        "inbox:quickreply_delete": {"pk": quick.pk},
        "inbox:knowledge_delete": {"pk": source.pk},
        "inbox:message_media": {"pk": message.pk},
        "api:chat-message-media": {"phone": chat.phone, "pk": message.pk},
        "inbox:message_cancel": {"pk": scheduled.pk},
        "api:chat-message-cancel": {"phone": chat.phone, "pk": scheduled.pk},
    }
