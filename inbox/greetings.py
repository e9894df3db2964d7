"""The welcome message and the out-of-office reply: which of them a customer's message calls for.

- Welcome: the customer writes to the workspace for the first time (no earlier message of theirs on any of its
  numbers, and no person wrote to them yet: a chat an agent started is not a stranger's first visit).
- Out of office: the workspace has business hours and is closed; once per chat per closed period (the period
  begins at the last closing time, `hours.closed_since`).

Both are optional (an empty text sends nothing) and each is claimed on the chat by a conditional UPDATE, so two
webhooks at once, or a re-delivered one, send it once. This module only decides; `inbox.replies` renders the
[variables] and queues them through its one send path, as it does keyword answers.
"""
from django.db.models import Q
from django.utils import timezone

from .hours import business_hours_for, closed_since, is_open
from .models import Chat, Message

WELCOME = "welcome"
AWAY = "away"


def _first_time(chat, message):
    earlier = Message.objects.filter(workspace_id=chat.workspace_id, chat__phone=chat.phone,
                                     chat__kind=Chat.Kind.DIRECT).exclude(pk=message.pk)
    return not earlier.filter(Q(direction=Message.Direction.IN) | Q(sender=Message.Sender.AGENT)).exists()


def _claim_welcome(chat, now):
    return Chat.objects.filter(pk=chat.pk, welcome_sent_at__isnull=True).update(welcome_sent_at=now) == 1


def _claim_away(chat, since, now):
    not_this_period = Q(away_sent_at__isnull=True)
    if since is not None:
        not_this_period |= Q(away_sent_at__lt=since)
    return Chat.objects.filter(not_this_period, pk=chat.pk).update(away_sent_at=now) == 1


def greetings_due(*, chat, message, now=None):
    """[(reply_source, template)] to send for this inbound message, welcome first; claims each one it returns.
    Runs inside the reply pipeline's transaction, after the opt-out, the bot pause and the loop guard."""
    now = now or timezone.now()
    row = business_hours_for(chat.workspace)
    due = []
    if row.welcome_message and _first_time(chat, message) and _claim_welcome(chat, now):
        due.append((WELCOME, row.welcome_message))
    if row.enabled and row.away_message and not is_open(row.week, row.holidays, now, chat.workspace.zone):
        since = closed_since(row.week, row.holidays, now, chat.workspace.zone)
        if _claim_away(chat, since, now):
            due.append((AWAY, row.away_message))
    return due
