"""The composer's "send a test to my number": one rendering of the message (and its attachment) sent now
from one connected number to a phone the user types, through the same WAHA client calls a campaign's
sends use (devices.selectors.client_for → send_text / send_image / send_file).

A test is a real WhatsApp message, so it is bounded like one: TEST_SENDS_PER_HOUR per workspace (a test
button must not become a way round a campaign's pacing), and it uses a unit of the plan's daily messages
by the engine's rule (campaigns.sent_today): taken before the request leaves, so a test and a campaign's
sends can never pass the limit together, and given back when WAHA answered with an error or was never
reached; a test whose outcome is unknown keeps it. It has no recipient row, so a counter rebuilt from the
rows after a flushed Redis forgets the day's tests (the limit errs by them for the rest of that day).
"""
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

from accounts import ratelimit
from billing.limits import check, limit_for, limit_reached
from common import phones, spintax
from config.errors import UserError
from contacts.models import Contact
from contacts.selectors import contact_variables
from devices.errors import from_waha
from devices.selectors import client_for
from devices.waha import WahaError, WahaOutcomeUnknown
from devices.waha_ids import chat_id_for_phone

from . import sent_today
from .media import kind_of, validate_media, waha_file, waha_upload
from .preview import SAMPLE_VARIABLES

TEST_SENDS_PER_HOUR = 10
_WINDOW = 3600


def _variables(workspace, phone):
    """Whose values fill the test: the contact with that phone, else the first contact (the preview's
    first sample), else the preview's sample values."""
    contacts = Contact.objects.for_workspace(workspace)
    contact = contacts.filter(phone=phone).first() or contacts.order_by("pk").first()
    return contact_variables(contact) if contact else SAMPLE_VARIABLES


def message_test_send(*, workspace, device, phone, message, media=None):
    """Send a test now; returns (the phone as E.164 digits, the text sent). Raises UserError saying what to
    fix: no connected number, a phone that is not one, a broken message or attachment, too many tests,
    the plan's daily messages used up, or what WhatsApp's gateway answered."""
    if device is None or not device.is_connected:
        raise UserError(_("No connected number to send the test from. Connect one under Devices first."),
                        code="device_not_connected", status_code=409,
                        fields={"test_device": _("not connected")})
    if not (phone or "").strip():
        raise UserError(_("Type the phone number the test should go to, e.g. 0812 3456 7890."),
                        fields={"test_phone": _("required")})
    try:
        phone = phones.normalize(phone, workspace.default_region)
    except phones.InvalidPhone as exc:
        raise phones.InvalidPhone(exc.message, fields={"test_phone": exc.message}) from None
    if not message.strip():
        raise UserError(_("Write the message first; the test sends it as it will go out."),
                        fields={"message": _("required")})
    try:
        spintax.validate(message)
    except spintax.SpintaxError as exc:
        raise UserError(exc.message, code="spintax_error", fields={"message": exc.message}) from exc
    if media and not isinstance(media, FieldFile):
        try:
            validate_media(media)
        except ValidationError as exc:
            raise UserError(" ".join(exc.messages), fields={"media": " ".join(exc.messages)}) from exc
    check(workspace, "daily_messages")
    wait = ratelimit.hit("campaign-test-send", workspace.pk, limit=TEST_SENDS_PER_HOUR, window=_WINDOW)
    if wait:
        raise ratelimit.RateLimited(
            _("%(n)s tests an hour is the most; try again in %(minutes)s minutes.")
            % {"n": TEST_SENDS_PER_HOUR, "minutes": max(1, round(wait / 60))}, wait)
    text = spintax.render(message, _variables(workspace, phone))
    limit = limit_for(workspace, "daily_messages")
    reserved = sent_today.reserve(workspace, limit)
    if reserved is None:  # a campaign took the last units since check() above
        raise limit_reached(workspace, "daily_messages", used=limit)
    try:
        _send(device, phone, text, media)
    except WahaError as exc:
        if not isinstance(exc, WahaOutcomeUnknown):
            sent_today.give_back(reserved)
        raise from_waha(exc, _("sending the test message")) from exc
    return phone, text


def _send(device, phone, text, media):
    client, session, chat_id = client_for(device), device.session_name, chat_id_for_phone(phone)
    if not media:
        return client.send_text(session, chat_id, text)
    file = waha_file(media) if isinstance(media, FieldFile) else waha_upload(media)
    send = client.send_image if kind_of(media.name) == "image" else client.send_file
    return send(session, chat_id, file=file, caption=text or None)
