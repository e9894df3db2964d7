"""A chat's status: open, pending, resolved, snoozed until a time; and the optional rating question on resolving.

A chat that is not open comes back by itself: a snoozed one when its time comes (the beat's `chats_wake`) and
any of them when the customer writes (`chat_customer_wrote`, called by `inbox.receive` before the reply
pipeline). The one exception is the customer's answer to the rating question (a lone 1-5 after resolving): it is
stored on the chat, which stays resolved, and the bot does not answer it.

It sits above `replies` and `rotation` in the inbox's one-way order (the rating question leaves through
`message_queue`, the one send path) and below `receive`.
"""
import re
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.language import workspace_language
from common.events import emit
from common.wall_clock import wall_clock_parse
from config.errors import UserError

from .models import PAUSED_UNTIL_RESUMED, Chat, ChatEvent, Message
from .replies import message_queue
from .rotation import chats_assign_waiting
from .services import chat_event_log, settings_for

SNOOZE_MAX = timedelta(days=90)
# A "5" a week after the question is a new conversation, not the rating.
RATING_ANSWER_WINDOW = timedelta(days=7)
# "5", " 4 ", "5!", "3 ⭐": one digit 1-5 and nothing else but punctuation, spaces or stars.
RATING_ANSWER = re.compile(r"^\s*([1-5])\s*[.!⭐★\s]*$")
WAKE_BATCH = 500


def snooze_parse(value, workspace):
    """The aware end of a snooze from the page's picker or the API (as "send later" reads it); None when empty."""
    if value in (None, ""):
        return None
    try:
        return wall_clock_parse(value, workspace.zone)
    except ValueError:
        raise UserError(_("“%(value)s” is not a date and time. Write it like 01/06/2030 09:00 (%(tz)s time).")
                        % {"value": str(value).strip()[:40], "tz": workspace.time_zone},
                        fields={"snoozed_until": _("bad format")}) from None


def chat_status_set(*, chat, status, actor=None, snoozed_until=None):
    """Move the chat to `status`; snoozing needs a time in the next 90 days. Resolving ends a bot pause that was
    "until resumed" and, when the workspace asks for ratings, sends the rating question. Returns the chat."""
    if status not in Chat.Status.values:
        raise UserError(_("Unknown status “%(status)s”. Use one of: %(choices)s.")
                        % {"status": str(status)[:20], "choices": ", ".join(Chat.Status.values)},
                        fields={"status": _("unknown")})
    now = timezone.now()
    if status == Chat.Status.SNOOZED:
        if snoozed_until is None:
            raise UserError(_("Choose until when to snooze this chat."), fields={"snoozed_until": _("required")})
        if snoozed_until <= now or snoozed_until > now + SNOOZE_MAX:
            raise UserError(_("Snooze until a time in the future, at most 90 days ahead (%(tz)s time).")
                            % {"tz": chat.workspace.time_zone}, fields={"snoozed_until": _("out of range")})
    else:
        snoozed_until = None
    with transaction.atomic():
        values = {"status": status, "snoozed_until": snoozed_until}
        if status == Chat.Status.RESOLVED:
            values["resolved_at"] = now
        Chat.objects.filter(pk=chat.pk).update(**values)
        if status == Chat.Status.RESOLVED:
            # A pause "until the chat is resolved" ends here; a timed one keeps running.
            Chat.objects.filter(pk=chat.pk, bot_paused_until__gte=PAUSED_UNTIL_RESUMED).update(bot_paused_until=None)
        if status != chat.status:
            chat_event_log(chat=chat, kind=ChatEvent.Kind.STATUS, author=actor, status=status)
        if status == Chat.Status.RESOLVED and chat.status != Chat.Status.RESOLVED:
            _ask_rating(chat, now)
            emit("chat.resolved", workspace_id=chat.workspace_id,
                 data={"chat": {"id": chat.pk, "phone": chat.phone}, "resolved_by": getattr(actor, "pk", None)})
        if chat.status == Chat.Status.OPEN and status != Chat.Status.OPEN and chat.assigned_to_id:
            # Its agent has one open chat fewer: a chat waiting for someone free may be theirs now.
            chats_assign_waiting(workspace=chat.workspace)
    chat.refresh_from_db()
    return chat


def _ask_rating(chat, now):
    settings = settings_for(chat.workspace)
    if not settings.rating_enabled or chat.kind != Chat.Kind.DIRECT:
        return
    with workspace_language(chat.workspace):
        text = settings.rating_question.strip() or _("How did we do? Reply with a number from 1 (bad) to 5 (great).")
    Chat.objects.filter(pk=chat.pk).update(rating_asked_at=now, rating=None, rated_at=None)
    message_queue(chat=chat, text=text, sender=Message.Sender.BOT, source="rating")


def rating_of(text):
    """The 1-5 in a customer's answer to the rating question, or None when it is something else."""
    match = RATING_ANSWER.match(text or "")
    return int(match.group(1)) if match else None


def chat_customer_wrote(*, chat, message):
    """The customer wrote: a pending answer to the rating question is stored (returns True: no bot answer, no
    reopening); otherwise a chat that is not open reopens. Runs inside receive's transaction."""
    now = timezone.now()
    score = rating_of(message.text) if not message.media_type else None
    if score is not None and chat.rating_asked_at is not None and chat.rating_asked_at > now - RATING_ANSWER_WINDOW:
        # Conditional: a second "5" (or a re-delivered webhook) finds the rating taken and is a normal message.
        if Chat.objects.filter(pk=chat.pk, rating__isnull=True, rating_asked_at__isnull=False).update(
                rating=score, rated_at=now):
            Message.objects.filter(pk=message.pk).update(reply_source="rating")
            emit("chat.rated", workspace_id=chat.workspace_id,
                 data={"chat": {"id": chat.pk, "phone": chat.phone}, "rating": score})
            return True
    current = Chat.objects.filter(pk=chat.pk).values_list("status", flat=True).first()
    Chat.objects.filter(pk=chat.pk).update(rating_asked_at=None)
    if current and current != Chat.Status.OPEN:
        Chat.objects.filter(pk=chat.pk).update(status=Chat.Status.OPEN, snoozed_until=None)
        chat_event_log(chat=chat, kind=ChatEvent.Kind.STATUS, status=Chat.Status.OPEN)
    return False


def chats_wake(*, now=None):
    """Reopen the snoozed chats whose time came (beat, every minute). Safe to run twice: each chat is moved by a
    conditional UPDATE, and only the run that moved it writes its history line. Returns how many woke."""
    now = now or timezone.now()
    due = list(Chat.objects.filter(status=Chat.Status.SNOOZED, snoozed_until__lte=now)
               .order_by("snoozed_until").values_list("pk", "workspace_id")[:WAKE_BATCH])
    woke = 0
    for pk, workspace_id in due:
        with transaction.atomic():
            if Chat.objects.filter(pk=pk, status=Chat.Status.SNOOZED, snoozed_until__lte=now).update(
                    status=Chat.Status.OPEN, snoozed_until=None):
                ChatEvent.objects.create(workspace_id=workspace_id, chat_id=pk, kind=ChatEvent.Kind.STATUS,
                                         status=Chat.Status.OPEN, timestamp=now)
                woke += 1
    return woke
