"""Agent actions on chats and the workspace's inbox settings: the low layer of the inbox's writes.

WAHA's message events come in through `inbox.receive`, and every message going out through
`inbox.replies` (an agent's reply included); both build on this module, which imports neither.
"""
import logging
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership
from common.events import emit
from config.errors import UserError
from devices.selectors import client_for

from .models import PAUSED_UNTIL_RESUMED, AssistantSettings, Chat, ChatEvent

logger = logging.getLogger(__name__)


def waha_client(device):
    return client_for(device)


def settings_for(workspace):
    """The workspace's inbox/assistant settings row, created with defaults on first use."""
    # get_or_create creates in a savepoint and re-reads on IntegrityError: two webhooks of a new workspace
    # at once both get the one row (unique workspace).
    row, _created = AssistantSettings.objects.get_or_create(workspace=workspace)
    return row


# ---------------------------------------------------------------- agent actions

def chat_bot_set(*, chat, enabled):
    """Turn the bot on or off for one customer; turning it on clears the 'needs a human' marker."""
    chat.bot_enabled = bool(enabled)
    fields = ["bot_enabled"]
    if chat.bot_enabled:
        chat.needs_human, chat.handoff_reason = False, ""
        fields += ["needs_human", "handoff_reason"]
    chat.save(update_fields=fields)
    return chat


def chat_bot_pause(*, chat, since=None):
    """A person answered this customer: the bot steps back for the workspace's pause (0 = until resumed).

    Counted from `since` (when the person's message was written; a webhook may arrive late). A pause only
    grows: a later answer extends it, and an earlier one never shortens a longer or open-ended pause.
    Returns the end of the pause.
    """
    minutes = settings_for(chat.workspace).bot_pause_minutes
    until = PAUSED_UNTIL_RESUMED if minutes == 0 else (since or timezone.now()) + timedelta(minutes=minutes)
    Chat.objects.filter(pk=chat.pk).filter(Q(bot_paused_until__isnull=True) | Q(bot_paused_until__lt=until)).update(
        bot_paused_until=until)
    chat.bot_paused_until = Chat.objects.filter(pk=chat.pk).values_list("bot_paused_until", flat=True).first()
    return chat.bot_paused_until


def chat_bot_paused(*, chat_id):
    """Whether the bot is paused in this chat now, read from the database (a queued task's chat may be stale)."""
    return Chat.objects.filter(pk=chat_id, bot_paused_until__gt=timezone.now()).exists()


def chat_bot_resume(*, chat):
    """The bot may answer this customer again before its pause ends."""
    Chat.objects.filter(pk=chat.pk).update(bot_paused_until=None)
    chat.bot_paused_until = None
    return chat


def chat_handoff(*, chat, reason):
    """The bot stops for this customer and the chat waits for a person."""
    Chat.objects.filter(pk=chat.pk).update(bot_enabled=False, needs_human=True, handoff_reason=reason[:200])
    chat.bot_enabled, chat.needs_human, chat.handoff_reason = False, True, reason[:200]
    emit("chat.handoff", workspace_id=chat.workspace_id,
         data={"chat": {"id": chat.pk, "phone": chat.phone}, "reason": chat.handoff_reason})
    logger.info("Chat %s handed to a human: %s", chat.pk, reason)


def chat_event_log(*, chat, kind, author=None, **values):
    """One line of the chat's history (an assignment, a status change), shown in the conversation."""
    return ChatEvent.objects.create(workspace_id=chat.workspace_id, chat=chat, kind=kind, author=author, **values)


def chat_assign(*, chat, user_id, actor=None):
    """Give the chat to a member of its workspace (None = unassigned); the history keeps who did it."""
    if user_id in (None, ""):
        chat.assigned_to = None
    else:
        membership = Membership.objects.for_workspace(chat.workspace).filter(user_id=user_id).first()
        if membership is None:
            raise UserError(_("That person is not a member of this workspace."), fields={"user": "unknown"})
        chat.assigned_to_id = membership.user_id
    before = Chat.objects.filter(pk=chat.pk).values_list("assigned_to_id", flat=True).first()
    chat.save(update_fields=["assigned_to"])
    if chat.assigned_to_id is not None:
        # Someone chose who answers: the chat no longer waits for the rotator (inbox.rotation).
        Chat.objects.filter(pk=chat.pk).update(awaiting_agent_since=None)
        chat.awaiting_agent_since = None
    if before != chat.assigned_to_id:
        chat_event_log(chat=chat, kind=ChatEvent.Kind.ASSIGNED, author=actor, assigned_to_id=chat.assigned_to_id)
    emit("chat.assigned", workspace_id=chat.workspace_id,
         data={"chat": {"id": chat.pk, "phone": chat.phone}, "assigned_to": chat.assigned_to_id})
    return chat


def chat_mark_read(*, chat, siblings=()):
    """Reading a conversation reads it on every number that talks to this customer."""
    pks = {chat.pk, *(c.pk for c in siblings)}
    Chat.objects.filter(pk__in=pks, unread_count__gt=0).update(unread_count=0)
    chat.unread_count = 0


def member_online_set(*, membership, online):
    membership.is_online = bool(online)
    membership.last_seen_at = timezone.now()
    membership.save(update_fields=["is_online", "last_seen_at"])
    return membership
