"""WAHA's message events in: the three dispatch handlers (`devices/dispatch.py` calls them with `device=`
and the full `event=`).

- `inbound_message_receive` (`message`): store the customer's message once, join @lid senders to their
  phone, make a new customer a contact, then run the reply pipeline (`inbox.replies`).
- `outbound_message_record` (`message.any`): our own messages (phone app, campaigns, the API) appear
  in the conversation, de-duplicated by WhatsApp's short id against the rows we wrote when sending.
  One typed on the phone itself (not sent through WAHA) is a person answering: the bot steps back.
- `message_ack_apply` (`message.ack`): the ticks. Acks only move forward.

This module sits above `services` and `replies` in the inbox's one-way order (models, selectors →
services → replies → rotation → chat_status → receive → tasks): it is the only one that reaches all of them.
"""
import logging

from django.db import IntegrityError, transaction
from django.db.models import F, Q

from common.events import emit
from config import queue
from config.errors import UserError
from contacts.models import Contact
from contacts.services import contact_get_or_create_inbound
from devices.waha_ids import short_id_of

from .chat_status import chat_customer_wrote
from .models import Chat, Message
from .replies import reply_pipeline
from .rotation import chat_route_new
from .services import chat_bot_pause, settings_for, waha_client
from .waha_events import media_type_of, read_message

logger = logging.getLogger(__name__)


# ---------------------------------------------------------------- chats from WAHA addresses


def _lid_to_phone(device, lid):
    try:
        jid = waha_client(device).lid_to_phone(device.session_name, lid)
    except Exception as exc:  # noqa: BLE001 - an unreachable WAHA must not lose the customer's message
        logger.warning("LID lookup of %s on %s failed: %s", lid, device.session_name, exc)
        return None
    return jid.split("@", 1)[0] if jid and jid.endswith("@c.us") else None


def _address_of(device, incoming):
    """(phone key, phone known?, lid, kind, lid resolved just now?) for a message's chat; @lid senders
    resolve to their phone."""
    jid = incoming.chat_jid
    if incoming.kind == "group":
        return jid.split("@", 1)[0], True, "", Chat.Kind.GROUP, False
    if incoming.kind == "status":
        return "status", True, "", Chat.Kind.STATUS, False
    if not incoming.is_lid:
        return incoming.phone or jid.split("@", 1)[0], True, "", Chat.Kind.DIRECT, False
    known = Chat.objects.filter(device=device, lid=jid, phone_known=True).values_list("phone", flat=True).first()
    if known:
        return known, True, jid, Chat.Kind.DIRECT, False
    phone = incoming.alt_phone or _lid_to_phone(device, jid)
    if phone:
        return phone, True, jid, Chat.Kind.DIRECT, True
    return jid.split("@", 1)[0], False, jid, Chat.Kind.DIRECT, False


def _join_hidden_chat(device, phone, lid):
    """A chat first seen as an unresolvable @lid becomes (or joins) the phone's chat once the number is known."""
    hidden = Chat.objects.filter(device=device, lid=lid, phone_known=False).first()
    if hidden is None:
        return
    target = Chat.objects.filter(device=device, phone=phone).first()
    if target is None:
        Chat.objects.filter(pk=hidden.pk).update(phone=phone, phone_known=True)
        return
    Message.objects.filter(chat=hidden).update(chat=target)
    Chat.objects.filter(pk=target.pk).update(unread_count=F("unread_count") + hidden.unread_count)
    hidden.delete()


def _chat_for(device, incoming):
    phone, known, lid, kind, resolved_now = _address_of(device, incoming)
    if resolved_now:
        # Only the first time a lid resolves can a hidden chat hold it: once joined, a known chat carries
        # the lid and later messages find it above, so they skip this lookup.
        _join_hidden_chat(device, phone, lid)
    chat, created = Chat.objects.get_or_create(
        device=device, phone=phone,
        defaults={"workspace_id": device.workspace_id, "phone_known": known, "lid": lid, "kind": kind,
                  "name": "" if incoming.from_me else incoming.push_name})
    if lid and chat.lid != lid:
        chat.lid = lid
        chat.save(update_fields=["lid"])
    return chat, created


def _contact_for(chat, name):
    try:
        contact = contact_get_or_create_inbound(workspace=chat.workspace, phone=chat.phone, name=name)
    except UserError as exc:  # a number phonenumbers rejects still gets its conversation, without a contact
        logger.info("No contact for chat %s: %s", chat.pk, exc)
        return None
    return contact if contact is not None and contact.pk else None


def _preview(text, media_type):
    return (text or (f"[{media_type}]" if media_type else ""))[:120]


def _touch_chat(chat, message, *, unread):
    if unread:
        Chat.objects.filter(pk=chat.pk).update(unread_count=F("unread_count") + 1)
        Chat.objects.filter(pk=chat.pk).filter(
            Q(customer_wrote_at__isnull=True) | Q(customer_wrote_at__lt=message.timestamp)
        ).update(customer_wrote_at=message.timestamp)
    # Webhooks arrive unordered: only a newer message becomes the chat's preview.
    Chat.objects.filter(pk=chat.pk).filter(
        Q(last_message_at__isnull=True) | Q(last_message_at__lte=message.timestamp)
    ).update(last_message_at=message.timestamp, last_message_preview=_preview(message.text, message.media_type))


def _kept(incoming, settings):
    """Groups and status broadcasts stay out unless the workspace turned them on; channels always."""
    if incoming.kind == "group":
        return settings.include_groups
    if incoming.kind == "status":
        return settings.include_status
    return incoming.kind == "direct"


def _sent_from_the_phone(device, incoming):
    """Whether a fromMe message was typed on the phone rather than sent by Sebar (or anything else through WAHA).

    Sebar sends only through WAHA, and WAHA marks what it sent `source: "api"` (API.md §6); a row of ours
    with this short id (an inbox send already recorded) is ours too.
    """
    if incoming.source == "api":
        return False
    return not Message.objects.filter(device=device, short_id=incoming.short_id).exists()


def _pause_for_phone_reply(device, incoming):
    """`message` carrying fromMe (API.md says it should not; engines differ): the bot steps back in that chat
    if it exists. Recording the message stays `message.any`'s job."""
    if incoming.kind != "direct" or not _sent_from_the_phone(device, incoming):
        return
    address = Q(lid=incoming.chat_jid) if incoming.is_lid else Q(phone=incoming.phone or "")
    chat = Chat.objects.filter(address, device=device, kind=Chat.Kind.DIRECT).select_related("workspace").first()
    if chat is not None:
        chat_bot_pause(chat=chat, since=incoming.timestamp)


# ---------------------------------------------------------------- dispatch handlers


def inbound_message_receive(*, device, event):
    """`message`: a customer wrote. Stored once per WhatsApp message id, then the bot may answer."""
    incoming = read_message(event)
    if incoming is not None and incoming.from_me:
        _pause_for_phone_reply(device, incoming)
    if incoming is None or incoming.from_me:
        return None  # never answer our own messages
    settings = settings_for(device.workspace)
    if not _kept(incoming, settings):
        return None
    with transaction.atomic():
        chat, created = _chat_for(device, incoming)
        if chat.kind == Chat.Kind.DIRECT and chat.phone_known and chat.contact_id is None:
            chat.contact = _contact_for(chat, incoming.push_name)
            if chat.contact:
                Chat.objects.filter(pk=chat.pk).update(contact=chat.contact)
        try:
            with transaction.atomic():
                message = Message.objects.create(
                    workspace_id=device.workspace_id, chat=chat, device=device, direction=Message.Direction.IN,
                    sender=Message.Sender.CUSTOMER, text=incoming.text, timestamp=incoming.timestamp,
                    waha_id=incoming.waha_id, short_id=incoming.short_id,
                    media_type=media_type_of(incoming.media_mimetype) if incoming.has_media else "",
                    media_mimetype=incoming.media_mimetype[:100], media_filename=incoming.media_filename[:200],
                    media_remote_url=incoming.media_url[:500])
        except IntegrityError:
            logger.info("Message %s on %s already stored: duplicate delivery ignored", incoming.short_id,
                        device.session_name)
            return None
        # The answer to the rating question is kept on the chat: not unread, not a new conversation, no bot.
        rated = chat_customer_wrote(chat=chat, message=message)
        _touch_chat(chat, message, unread=not rated)
        emit("message.received", workspace_id=device.workspace_id, data={
            "message": {"id": message.pk, "waha_id": message.waha_id, "text": message.text,
                        "media_type": message.media_type, "timestamp": message.timestamp},
            "chat": {"id": chat.pk, "phone": chat.phone, "kind": chat.kind}, "device": device.session_name})
        if created and chat.kind == Chat.Kind.DIRECT and settings.cs_rotator_enabled:
            chat_route_new(chat=chat)
        if message.media_remote_url:
            queue.enqueue_on_commit("inbox.tasks.message_media_download_task", message.pk)
    if rated:
        return message
    try:
        reply_pipeline(message=message)
    except Exception:  # noqa: BLE001 - the message is stored; a reply failure must not stop other handlers
        logger.exception("The reply pipeline failed on message %s; the chat waits for an agent", message.pk)
    return message


def outbound_message_record(*, device, event):
    """`message.any`: store what we sent (phone app, campaigns, the API) once, by short id."""
    incoming = read_message(event)
    if incoming is None or not incoming.from_me:
        return None  # the customer's side is `inbound_message_receive`'s
    settings = settings_for(device.workspace)
    if not _kept(incoming, settings):
        return None
    existing = Message.objects.filter(device=device, short_id=incoming.short_id).first()
    if existing:
        return existing
    sender = Message.Sender.CAMPAIGN if incoming.source == "api" else Message.Sender.AGENT
    with transaction.atomic():
        chat, _created = _chat_for(device, incoming)
        if chat.contact_id is None and chat.kind == Chat.Kind.DIRECT:
            contact = Contact.objects.for_workspace(device.workspace).filter(phone=chat.phone).first()
            if contact:
                Chat.objects.filter(pk=chat.pk).update(contact=contact)
        try:
            with transaction.atomic():
                message = Message.objects.create(
                    workspace_id=device.workspace_id, chat=chat, device=device, direction=Message.Direction.OUT,
                    sender=sender, text=incoming.text, timestamp=incoming.timestamp, waha_id=incoming.waha_id,
                    short_id=incoming.short_id, send_state=Message.SendState.SENT, ack=0,
                    media_type=media_type_of(incoming.media_mimetype) if incoming.has_media else "",
                    media_mimetype=incoming.media_mimetype[:100], media_remote_url=incoming.media_url[:500])
        except IntegrityError:
            return None  # our own send recorded it meanwhile
        _touch_chat(chat, message, unread=False)
        if sender == Message.Sender.AGENT and chat.kind == Chat.Kind.DIRECT:
            # Typed on the phone (not one of our sends, which are "api" or already stored): a person answered.
            chat_bot_pause(chat=chat, since=message.timestamp)
        if message.media_remote_url:
            queue.enqueue_on_commit("inbox.tasks.message_media_download_task", message.pk)
    return message


def message_ack_apply(*, device, event):
    """`message.ack`: move the message's ticks forward (acks arrive unordered and may skip states)."""
    payload = event.get("payload") or {}
    try:
        short_id = short_id_of(payload.get("id") or payload)
        ack = int(payload.get("ack"))
    except (TypeError, ValueError):
        return 0
    if not short_id:
        return 0
    rows = Message.objects.filter(device=device, short_id=short_id)
    if ack < 0:
        return rows.filter(Q(ack__isnull=True) | Q(ack__lt=2)).update(ack=ack)
    return rows.filter(Q(ack__isnull=True) | Q(ack__lt=ack)).update(ack=ack)
