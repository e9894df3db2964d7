"""The reply pipeline and the one way a message leaves the inbox.

For each inbound message of a direct chat whose bot is on, in this order: an opt-out word (the
contacts app marks the contact; one confirmation is sent), the pause after a person answered (the bot
steps back: `Chat.bot_paused_until`), the steps registered by apps above (a chatbot flow:
`inbox.reply_steps`), the loop guard (at most N bot replies per chat per hour), the welcome message and the
out-of-office reply (`inbox.greetings`), keyword rules in priority order, the AI assistant; otherwise nothing and
the chat waits for an agent.

Sending follows WAHA's human-like flow without sleeping a worker: seen and typing go out at once, and
the send itself is a task queued with a countdown that grows with the reply's length.

"Send later" (an agent's message with `send_at`) is the same row in SCHEDULED until it is due: the same send
task claims it then, queued by the beat's sweep (`messages_requeue`), never by a worker that waits.
"""
import base64
import logging
import mimetypes
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.language import workspace_language
from accounts.models import Workspace
from common.spintax import render
from common.wall_clock import wall_clock_parse
from config import queue
from config.errors import UserError
from contacts.selectors import contact_variables
from contacts.services import opt_out_check
from devices.waha import WahaError, WahaSessionNotReady

from .assistant import assistant_answer
from .greetings import greetings_due
from .matching import first_match
from .models import AutoReply, Chat, ChatEvent, Message
from .reply_steps import reply_steps_run
from .services import chat_bot_pause, chat_bot_paused, chat_event_log, chat_handoff, settings_for, waha_client
from .waha_events import media_type_of

logger = logging.getLogger(__name__)

# inbox.tasks imports this module, so its tasks are queued by their dotted paths (config.queue imports them).
SEND_TASK = "inbox.tasks.message_send_task"


def render_reply(template, variables):
    """Spintax and [variables] through the campaigns' renderer, the one campaigns use too."""
    return render(template, variables)


def chat_variables(chat):
    if chat.contact_id:
        variables = dict(contact_variables(chat.contact))
    else:
        variables = {"phone": chat.phone}
    if not variables.get("name"):
        variables["name"] = chat.name or ""
    return variables


def typing_seconds(text):
    """How long the customer sees 'typing…': about 20 characters a second, between 1 and 8 seconds."""
    return max(1.0, min(8.0, 1.0 + len(text or "") / 20.0))


def message_queue(*, chat, text, sender, upload=None, media_file=None, sent_by=None, source="", human_like=True,
                  send_at=None):
    """Write an outbound row and queue its send after commit; `human_like` adds seen + typing first.

    With `send_at` the row waits SCHEDULED (shown at that time in the chat) and the chat list is not touched
    until it goes; a send due soon is queued with its countdown now, a later one by the beat's sweep."""
    state = Message.SendState.SCHEDULED if send_at else Message.SendState.QUEUED
    message = Message(workspace_id=chat.workspace_id, chat=chat, device_id=chat.device_id,
                      direction=Message.Direction.OUT, sender=sender, sent_by=sent_by, text=text, send_state=state,
                      send_at=send_at, reply_source=source[:40], timestamp=send_at or timezone.now())
    if upload is not None:
        message.media_mimetype = (getattr(upload, "content_type", "") or "application/octet-stream")[:100]
        message.media_filename = (upload.name or "file")[:200]
        message.media.save(upload.name or "file", upload, save=False)
    elif media_file:
        name = media_file.name.rsplit("/", 1)[-1]
        message.media_mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
        message.media_filename = name
        media_file.open("rb")
        try:
            message.media.save(name, ContentFile(media_file.read()), save=False)
        finally:
            media_file.close()
    if message.media:
        message.media_type = media_type_of(message.media_mimetype)
    message.save()
    if send_at:
        ahead = (send_at - timezone.now()).total_seconds()
        if ahead <= SCHEDULE_SWEEP_AHEAD.total_seconds():
            queue.enqueue_on_commit(SEND_TASK, message.pk, countdown=max(0.0, ahead))
        return message
    _chat_last_message(chat.pk, message)
    delay = typing_seconds(text) if human_like else 0

    def _after_commit():
        if human_like:
            _seen_and_typing(chat)
        queue.enqueue(SEND_TASK, message.pk, countdown=delay)  # not taken: messages_requeue sends it

    transaction.on_commit(_after_commit)
    return message


def _chat_last_message(chat_id, message):
    Chat.objects.filter(pk=chat_id).update(last_message_at=message.timestamp,
                                           last_message_preview=(message.text or f"[{message.media_type}]")[:120])


# "Send later" goes at most this far ahead: further than a quarter is a campaign, not a reply.
SEND_LATER_MAX = timedelta(days=90)
# The sweep runs every minute and queues what is due before its next run, each with its own countdown
# (far below the broker's visibility timeout), so a scheduled message goes at its minute, not up to a minute late.
SCHEDULE_SWEEP_AHEAD = timedelta(seconds=70)


def send_at_parse(value, workspace):
    """The aware `send_at` from what the composer or the API sent (ISO 8601 with an offset, or a wall-clock
    time in the workspace's zone such as 01/06/2030 09:00); None when empty."""
    if value in (None, ""):
        return None
    try:
        return wall_clock_parse(value, workspace.zone)
    except ValueError:
        raise UserError(_("“%(value)s” is not a date and time. Write it like 01/06/2030 09:00 (%(tz)s time).")
                        % {"value": str(value).strip()[:40], "tz": workspace.time_zone},
                        fields={"send_at": _("bad format")}) from None


def _send_at_check(send_at, workspace):
    now = timezone.now()
    if send_at <= now:
        raise UserError(_("“Send later” must be a time in the future; it is %(now)s now (%(tz)s time).")
                        % {"now": timezone.localtime(now, workspace.zone).strftime("%d/%m/%Y %H:%M"),
                           "tz": workspace.time_zone},
                        code="send_at_out_of_range", fields={"send_at": _("in the past")})
    if send_at > now + SEND_LATER_MAX:
        raise UserError(_("“Send later” can be at most %(days)s days ahead. For later messages, use a campaign.")
                        % {"days": SEND_LATER_MAX.days},
                        code="send_at_out_of_range", fields={"send_at": _("too far ahead")})


def chat_send_by_agent(*, chat, user, text="", upload=None, send_at=None):
    """A person's reply: queued and sent through the chat's device. The bot steps back in this chat.

    With `send_at` (aware) it waits until then; the bot steps back only when it actually goes, since the
    customer hears nothing from a person before that. Taking the chat and clearing "needs a human" happen
    now: an agent who answered, even for later, has handled it, and a second agent must not answer too."""
    text = (text or "").strip()
    if not text and upload is None:
        raise UserError(_("Write a message or attach a file."), fields={"text": "required"})
    if len(text) > 4096:
        raise UserError(_("A WhatsApp message can be at most 4096 characters."), fields={"text": "too long"})
    if upload is not None and upload.size > 16 * 1024 * 1024:
        raise UserError(_("Files can be at most 16 MB."), fields={"file": "too large"})
    if send_at is not None:
        _send_at_check(send_at, chat.workspace)
    queue.require()  # refused while the queue is down: the agent is told, and nothing waits unseen
    with transaction.atomic():
        message = message_queue(chat=chat, text=text, upload=upload, sender=Message.Sender.AGENT, sent_by=user,
                                human_like=False, send_at=send_at)
        Chat.objects.filter(pk=chat.pk).update(unread_count=0, needs_human=False, handoff_reason="")
        # Whoever answers an unassigned chat takes it, so two agents do not answer the same customer.
        if Chat.objects.filter(pk=chat.pk, assigned_to__isnull=True).update(assigned_to=user):
            chat_event_log(chat=chat, kind=ChatEvent.Kind.ASSIGNED, author=user, assigned_to=user)
        if send_at is None:
            # The customer is talking to a person now: a bot answering too would talk over them.
            chat_bot_pause(chat=chat)
    return message


def message_cancel(*, chat, message_id):
    """Cancel a scheduled message of this chat: one conditional UPDATE, so it either never goes or was already
    claimed by the send (then refused, saying so). Cancelling twice is a quiet no-op."""
    message = Message.objects.filter(chat=chat, pk=message_id).first()
    if message is None:
        raise Message.DoesNotExist
    cancelled = Message.objects.filter(pk=message.pk, send_state=Message.SendState.SCHEDULED).update(
        send_state=Message.SendState.CANCELLED, timestamp=timezone.now())
    message.refresh_from_db()
    if cancelled or message.send_state == Message.SendState.CANCELLED:
        return message
    if message.send_state == Message.SendState.SENT:
        text = _("This message was already sent, so it cannot be cancelled any more.")
    elif message.send_state == Message.SendState.FAILED:
        text = _("This message was not scheduled any more: its send was tried and failed (see the reason below it).")
    elif message.send_state in (Message.SendState.QUEUED, Message.SendState.SENDING):
        text = _("This message is being sent right now, so it cannot be cancelled any more.")
    else:
        text = _("Only a message scheduled with “Send later” can be cancelled.")
    raise UserError(text, code="message_not_scheduled", status_code=409)


def _seen_and_typing(chat):
    client = waha_client(chat.device)
    try:
        client.send_seen(chat.device.session_name, chat.chat_jid)
        client.start_typing(chat.device.session_name, chat.chat_jid)
    except Exception as exc:  # noqa: BLE001 - presence is cosmetic; the reply still goes out
        logger.info("seen/typing for chat %s failed: %s", chat.pk, exc)


def message_send(*, message_id, final=True):
    """Send one queued row through its device (claimed first, so a task run twice sends once).

    A session that is not WORKING yet (restarting, reconnecting) sent nothing, so unless this is the
    `final` try the row goes back to QUEUED and WahaSessionNotReady is raised for the task to retry.
    Any other failure is final: repeating a send WAHA may have done would message the customer twice.
    """
    # A scheduled row is claimed only once due: a task that comes early (a countdown on a fast clock, a
    # duplicate) does nothing, and the sweep queues it again at its time.
    claimable = Q(send_state=Message.SendState.QUEUED) | Q(send_state=Message.SendState.SCHEDULED,
                                                          send_at__lte=timezone.now())
    claimed = Message.objects.filter(claimable, pk=message_id).update(send_state=Message.SendState.SENDING)
    if claimed != 1:
        return None
    message = Message.objects.select_related("chat", "device", "workspace").get(pk=message_id)
    chat, device = message.chat, message.device
    # The opt-out confirmation and the rating question are not answers a person could be talking over.
    if message.sender == Message.Sender.BOT and message.reply_source not in ("opt_out", "rating") and chat.bot_paused:
        # A person answered while this bot reply waited (typing delay, queue): it would talk over them.
        with workspace_language(message.workspace):
            reason = _("Not sent: a person answered this customer, so the bot stepped back.")
        Message.objects.filter(pk=message.pk).update(send_state=Message.SendState.FAILED, error=reason[:300])
        logger.info("Bot reply %s dropped: the bot is paused in chat %s", message.pk, chat.pk)
        return None
    client = waha_client(device)
    try:
        if message.media:
            message.media.open("rb")
            try:
                data = base64.b64encode(message.media.read()).decode()
            finally:
                message.media.close()
            file = {"mimetype": message.media_mimetype or "application/octet-stream",
                    "filename": message.media_filename or "file", "data": data}
            send = client.send_image if message.media_type == "image" else client.send_file
            sent = send(device.session_name, chat.chat_jid, file=file, caption=message.text or None)
        else:
            sent = client.send_text(device.session_name, chat.chat_jid, message.text)
    except WahaSessionNotReady as exc:
        if not final:
            Message.objects.filter(pk=message.pk).update(send_state=Message.SendState.QUEUED, error=str(exc)[:300])
            raise
        Message.objects.filter(pk=message.pk).update(send_state=Message.SendState.FAILED, ack=-1,
                                                     error=str(exc)[:300])
        return None
    except WahaError as exc:
        Message.objects.filter(pk=message.pk).update(send_state=Message.SendState.FAILED, ack=-1,
                                                     error=str(exc)[:300])
        logger.warning("Sending inbox message %s failed: %s", message.pk, exc)
        return None
    _record_sent(message, sent)
    if message.send_at is not None:
        _scheduled_went(message)
    return message


def _scheduled_went(message):
    """A scheduled message just went: only now does the customer hear from a person, so only now does the
    chat list move and, for an agent's message, the bot step back (as for a reply sent at once)."""
    now = timezone.now()
    Message.objects.filter(pk=message.pk).update(timestamp=now)
    message.timestamp = now
    _chat_last_message(message.chat_id, message)
    if message.sender == Message.Sender.AGENT:
        chat_bot_pause(chat=message.chat, since=now)


# A QUEUED row older than this lost its task: the send's countdown (typing, at most 8 s) and the task's
# retries while the session reconnects (15 + 30 + 45 + 60 s) are long over. After GIVE_UP it is failed
# instead: the agent sees it was not sent and decides, rather than the customer getting a stale reply.
REQUEUE_AFTER = timedelta(minutes=5)
GIVE_UP_AFTER = timedelta(hours=1)
REQUEUE_BATCH = 500


def messages_requeue(*, now=None):
    """Queue again the outgoing messages left QUEUED (their task was lost: the broker was down after the
    commit, Redis was flushed), and queue the SCHEDULED ones due before the next sweep; fail those waiting
    longer than GIVE_UP_AFTER (a scheduled one counts from its send_at). Beat runs it; safe to run twice and
    never a double send: ``message_send`` claims QUEUED (or due SCHEDULED) → SENDING first, and a row
    SENDING, SENT, FAILED or CANCELLED is never queued again. Returns (queued, failed)."""
    now = now or timezone.now()
    # A scheduled row put back to QUEUED (its session was reconnecting) waits from its send_at, not from
    # when it was written days ago.
    waiting = (Message.objects.filter(send_state=Message.SendState.QUEUED)
               .annotate(waiting_since=Coalesce("send_at", "created_at")))
    scheduled = Message.objects.filter(send_state=Message.SendState.SCHEDULED)
    failed = _give_up(waiting.filter(waiting_since__lt=now - GIVE_UP_AFTER),
                      gettext_lazy("Not sent: it waited more than an hour for Sebar's queue. Send it again if it is "
                                   "still needed."))
    failed += _give_up(scheduled.filter(send_at__lt=now - GIVE_UP_AFTER),
                       gettext_lazy("Not sent: its scheduled time passed more than an hour ago while Sebar's queue "
                                    "was stopped. Send it again if it is still needed."))
    stale = list(waiting.filter(waiting_since__lt=now - REQUEUE_AFTER).order_by("created_at")
                 .values_list("pk", flat=True)[:REQUEUE_BATCH])
    queued = queue.enqueue_each(SEND_TASK, stale)
    for pk, send_at in (scheduled.filter(send_at__lte=now + SCHEDULE_SWEEP_AHEAD).order_by("send_at")
                        .values_list("pk", "send_at")[:REQUEUE_BATCH]):
        if not queue.enqueue(SEND_TASK, pk, countdown=max(0.0, (send_at - now).total_seconds())):
            break  # the broker is down: the next sweep goes on
        queued += 1
    return queued, failed


def _give_up(rows, reason):
    """Fail `rows` with `reason`, stored in each shop's language (not the beat's); returns how many."""
    failed = 0
    for workspace in Workspace.objects.filter(pk__in=rows.values("workspace_id")):
        with workspace_language(workspace):
            text = str(reason)
        failed += rows.filter(workspace=workspace).update(send_state=Message.SendState.FAILED, ack=-1, error=text)
    return failed


def _record_sent(message, sent):
    with transaction.atomic():
        if sent.short_id:
            # message.any for this very send may have been stored first (as a campaign/app message).
            twin = Message.objects.filter(device_id=message.device_id, short_id=sent.short_id).exclude(pk=message.pk)
            twin_acks = [a for a in twin.values_list("ack", flat=True) if a is not None]
            twin.delete()
            message.ack = max([0, *twin_acks])
        else:
            message.ack = 0
        message.waha_id, message.short_id = sent.id or "", sent.short_id
        message.send_state, message.error = Message.SendState.SENT, ""
        message.save(update_fields=["waha_id", "short_id", "send_state", "ack", "error"])


# ---------------------------------------------------------------- the pipeline


def _bot_replies_last_hour(chat):
    since = timezone.now() - timedelta(hours=1)
    return Message.objects.filter(chat=chat, sender=Message.Sender.BOT, created_at__gte=since).count()


def _opt_out(chat, message):
    try:
        if not chat.phone_known or not opt_out_check(workspace=chat.workspace, phone=chat.phone, text=message.text):
            return False
    except UserError:
        return False  # a number contacts cannot store has no contact to opt out
    if chat.opt_out_confirmed_at is None:
        Chat.objects.filter(pk=chat.pk).update(opt_out_confirmed_at=timezone.now())
        # The shop's language, not the language of the worker (or the agent's request) that runs this.
        with workspace_language(chat.workspace):
            text = _("You will not receive our broadcasts any more. Write to us any time if you need help.")
        message_queue(chat=chat, sender=Message.Sender.BOT, source="opt_out", text=text)
    return True


def rules_for(device):
    """Active keyword rules that apply on this device, in priority order."""
    return list(AutoReply.objects.for_workspace(device.workspace).filter(is_active=True)
                .filter(Q(devices__isnull=True) | Q(devices=device)).distinct().order_by("priority", "pk"))


def _greet(chat, message):
    """The welcome message and the out-of-office reply this message calls for (inbox.greetings decides), spun and
    filled like a keyword answer and sent the same way; the keyword rules and the assistant still answer after."""
    for source, template in greetings_due(chat=chat, message=message):
        message_queue(chat=chat, sender=Message.Sender.BOT, source=source,
                      text=render_reply(template, chat_variables(chat)))


def reply_pipeline(*, message):
    """Decide and queue the bot's answer to one inbound message. Returns what happened, for logs and tests."""
    chat = Chat.objects.select_related("device", "workspace", "contact").get(pk=message.chat_id)
    if message.direction != Message.Direction.IN or chat.kind != Chat.Kind.DIRECT or not chat.bot_enabled:
        return "skipped"
    # Matched before any transaction: on SQLite a write transaction holds the database-wide lock, so
    # a tenant's slow patterns would stall every other tenant's writes for as long as they run.
    rule = first_match(rules_for(chat.device), message.text)
    with transaction.atomic():
        if _opt_out(chat, message):
            return "opt_out"
        if chat.bot_paused:
            return "paused"  # a person answered lately: keyword rules and the assistant stay quiet
        # A chat inside a chatbot flow (or a message that starts one) is the flow's: before keyword rules and
        # the AI. Before the loop guard too, since a flow is a conversation the customer leads message by
        # message; it caps its own retries (flows.runtime), which is what stops a loop with another bot.
        stepped = reply_steps_run(chat=chat, message=message)
        if stepped:
            return stepped
        settings = settings_for(chat.workspace)
        if _bot_replies_last_hour(chat) >= settings.bot_replies_per_hour:
            logger.info("Chat %s reached %s bot replies this hour: the bot waits", chat.pk,
                        settings.bot_replies_per_hour)
            return "loop_guard"
        _greet(chat, message)
        if rule:
            AutoReply.objects.filter(pk=rule.pk).update(hit_count=F("hit_count") + 1)
            message_queue(chat=chat, sender=Message.Sender.BOT, source=f"keyword:{rule.pk}",
                          text=render_reply(rule.response_text, chat_variables(chat)),
                          media_file=rule.media if rule.media else None)
            return "keyword"
    if not settings.ai_enabled or not message.text.strip():
        return "silent"
    # The assistant (an LLM call of up to 20 s) answers from the "ai" queue: the webhook worker goes on to
    # the next event (acks, other customers' messages) at once.
    queue.enqueue_on_commit("inbox.tasks.assistant_reply_task", message.pk)
    return "assistant_queued"


def assistant_reply(*, message_id):
    """The assistant's answer to one inbound message, queued by `reply_pipeline`; at most once per message.

    The inbound row's `reply_source` is the claim: a re-delivered task finds it taken and does nothing, so a
    customer never gets two answers (a worker lost after the claim leaves the chat to an agent instead).
    """
    claimed = Message.objects.filter(pk=message_id, direction=Message.Direction.IN, reply_source="").update(
        reply_source="assistant")
    if not claimed:
        return "done"
    message = Message.objects.get(pk=message_id)
    chat = Chat.objects.select_related("device", "workspace", "contact").get(pk=message.chat_id)
    if not chat.bot_enabled:
        return "skipped"  # an agent took the chat over while the answer waited in the queue
    if chat.bot_paused:
        return "paused"  # a person answered while the answer waited in the queue
    with workspace_language(chat.workspace):  # a handoff reason is stored: in the shop's language
        outcome = assistant_answer(chat=chat, message=message, settings=settings_for(chat.workspace))
    if chat_bot_paused(chat_id=chat.pk):
        return "paused"  # a person answered during the model's call (seconds)
    if outcome.reply:
        with transaction.atomic():
            message_queue(chat=chat, sender=Message.Sender.BOT, source=outcome.source, text=outcome.reply)
        return outcome.source
    if outcome.handoff:
        chat_handoff(chat=chat, reason=outcome.handoff)
        return "handoff"
    return "silent"
