"""Starting a chat: an agent writes first to a number that never wrote (or not to this number of ours).

The number is read like every phone in Sebar (common.phones, in the workspace's region); an opted-out contact is
refused, and so is a braked number of ours (WhatsApp warned or capped it: it may answer warm contacts but open no
new chat, the rule the broadcast engine follows too, devices.health). The message then leaves through the inbox's
one send path, as an agent's reply (`replies.chat_send_by_agent`): the chat is the agent's and the bot steps back.
"""
from django.db import transaction
from django.utils.translation import gettext as _

from common import phones
from config.errors import UserError
from contacts.models import Contact
from devices.health import brake_of
from devices.models import Device

from .models import Chat
from .replies import chat_send_by_agent


def _phone(workspace, raw):
    try:
        return phones.normalize(raw, workspace.default_region or "ID")
    except phones.InvalidPhone as exc:
        raise UserError(exc.message, code="invalid_phone", fields={"phone": exc.message}) from None


def _warm(device, phone):
    return Chat.objects.filter(device=device, phone=phone, customer_wrote_at__isnull=False).exists()


def chat_start(*, workspace, user, device, phone, text):
    """Open (or reuse) the chat of `phone` on `device` and send `text` as `user`'s message; returns the chat."""
    if device.workspace_id != workspace.pk:
        raise Device.DoesNotExist  # the callers resolve devices inside the workspace; never another one's
    phone = _phone(workspace, phone)
    if not (text or "").strip():
        raise UserError(_("Write the first message."), fields={"text": _("Required.")})
    if device.status != Device.Status.CONNECTED:
        raise UserError(_("%(number)s is not connected. Connect it under Devices, or choose another number.")
                        % {"number": device.label or device.session_name}, code="device_not_ready",
                        fields={"device": _("not connected")})
    contact = Contact.objects.for_workspace(workspace).filter(phone=phone).first()
    if contact is not None and contact.opted_out:
        message = _("%(phone)s opted out of your messages, so Sebar does not start a chat with them. They can "
                    "write to you, and you can answer then.") % {"phone": phones.display(phone)}
        raise UserError(message, code="contact_opted_out", fields={"phone": message})
    brake = brake_of(device)
    if brake.narrows and not _warm(device, phone):
        raise UserError(_("%(number)s is braked (WhatsApp warned or capped it): it may answer customers who wrote "
                          "to it, but not open new chats now. Choose another number or try later.")
                        % {"number": device.label or device.session_name}, code="number_braked",
                        fields={"device": _("braked")})
    with transaction.atomic():
        chat, _created = Chat.objects.get_or_create(
            device=device, phone=phone,
            defaults={"workspace_id": workspace.pk, "kind": Chat.Kind.DIRECT, "contact": contact,
                      "name": contact.name if contact else ""})
        if contact is not None and chat.contact_id is None:
            Chat.objects.filter(pk=chat.pk).update(contact=contact)
            chat.contact = contact
        chat_send_by_agent(chat=chat, user=user, text=text)
    chat.refresh_from_db()
    return chat
