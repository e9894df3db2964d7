"""The Send API's writes and reads: one WhatsApp message to any number (POST /api/messages), many at once, and
where each stands.

There is one sending path. A message is a `Recipient` row of the workspace's hidden API campaign
(`Campaign.Kind.API`, or `API_TRANSACTIONAL` for orders and OTPs), which the engine claims, paces, caps and acks
like any broadcast row: the plan's daily messages, the per-number hourly cap, the brake, the reaper and the
"never twice" rules all hold. What the API adds lives on the row: `send_at` (not claimed before), `prefer_device`
and `prefer_until` (campaigns/claims.py), and `message_key`, the message's public id.

- The API campaign (not transactional) keeps quiet hours (`API_QUIET_HOURS`, workspace time) and the contact
  limit, and refuses opted-out numbers; the transactional one has no quiet hours, skips the contact limit
  (contact_cap.over_cap) and may reach opted-out numbers. Only a transactional key (or an owner's login) asks for it.
- `Idempotency-Key`: the same key with the same request answers the first message again and sends nothing; with
  another request it is refused (`idempotency_key_reused`). The key is unique per workspace in the database, so two
  concurrent retries create one message: the loser of the INSERT reads the winner's row.
- The sender: the number asked for, else one the person already wrote to (devices.warm), else the one that last
  sent to them, else the healthiest connected number (devices.health's score). A number chosen for the caller is
  preferred for `PREFER_SECONDS` after the message is due; then any number of the workspace may take it.
"""
import hashlib
import json
from datetime import time, timedelta
from functools import reduce
from operator import or_

from django.db import IntegrityError, models, transaction
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from common import phones, spintax
from config.errors import UserError
from contacts.models import Contact
from contacts.selectors import contact_variables
from devices.models import Device
from devices.selectors import broadcast_devices
from devices.warm import warm_q

from . import engine, media_fetch
from .media import validate_media
from .models import ApiMessage, Campaign, Recipient

API_QUIET_HOURS = (time(21, 0), time(8, 0))  # not transactional: nothing goes out at night, as for broadcasts
PREFER_SECONDS = 15 * 60
MAX_AHEAD = timedelta(days=90)
BULK_MAX = 1000
TEXT_MAX = 4096


class ApiMessageError(UserError):
    """A message the API refuses; `code` says why (config/error_codes.py)."""


# ---------------------------------------------------------------- the hidden campaigns


def api_campaign(workspace, *, transactional):
    """The workspace's hidden API campaign of that kind, made on first use; sending (PROCESSING) unless billing
    paused it. One per workspace and kind: the first is made under the workspace's row lock."""
    kind = Campaign.Kind.API_TRANSACTIONAL if transactional else Campaign.Kind.API
    campaign = Campaign.objects.for_workspace(workspace).filter(kind=kind).order_by("pk").first()
    if campaign is None:
        with transaction.atomic():
            type(workspace).objects.select_for_update().filter(pk=workspace.pk).exists()
            campaign = Campaign.objects.for_workspace(workspace).filter(kind=kind).order_by("pk").first()
            if campaign is None:
                quiet = (None, None) if transactional else API_QUIET_HOURS
                campaign = Campaign.objects.create(
                    workspace=workspace, kind=kind, name=str(Campaign.Kind(kind).label), message_template="",
                    status=Campaign.Status.PROCESSING, quiet_start=quiet[0], quiet_end=quiet[1],
                    typing_simulation=not transactional,
                    # Older than every broadcast: a device's step takes the oldest campaign with work first, and
                    # a message asked for one by one goes ahead of a bulk broadcast's next row.
                    started_at=workspace.created_at, scheduled_at=workspace.created_at)
    if campaign.status in (Campaign.Status.COMPLETED, Campaign.Status.CANCELLED):
        Campaign.objects.filter(pk=campaign.pk, status=campaign.status).update(status=Campaign.Status.PROCESSING)
        campaign.status = Campaign.Status.PROCESSING
    return campaign


# ---------------------------------------------------------------- checks of one request


def phone_of(workspace, to):
    try:
        return phones.normalize(to, region=workspace.default_region)
    except phones.InvalidPhone as exc:
        raise ApiMessageError(exc.message, code="invalid_phone", fields={"to": exc.message}) from exc


def text_check(text, has_media):
    if not (text or "").strip() and not has_media:
        raise ApiMessageError(_("Write a text, or attach a file."), fields={"text": _("required without media")})
    if len(text or "") > TEXT_MAX:
        raise ApiMessageError(_("The text is longer than %(n)s characters.") % {"n": TEXT_MAX},
                              fields={"text": _("too long")})
    try:
        spintax.validate(text or "")
    except spintax.SpintaxError as exc:
        raise ApiMessageError(exc.message, code="spintax_error",
                              fields={"text": exc.message, "position": exc.position}) from exc


def send_at_check(send_at, now):
    if send_at is None:
        return None
    if send_at < now - timedelta(minutes=1) or send_at > now + MAX_AHEAD:
        raise ApiMessageError(_("send_at must be from now to 90 days ahead."), code="send_at_out_of_range",
                              fields={"send_at": _("out of range")})
    return send_at if send_at > now else None


def device_named(workspace, name):
    """The device a request names (session name or id), if it is connected and on for sending."""
    lookup = Q(session_name=name) | (Q(pk=int(name)) if str(name).isdigit() else Q(pk__in=[]))
    device = Device.objects.for_workspace(workspace).filter(lookup).first()
    if device is None:
        raise ApiMessageError(_("No number “%(name)s” in this workspace.") % {"name": name}, code="not_found",
                              fields={"device": _("unknown")}, status_code=404)
    if device.status != Device.Status.CONNECTED or not device.is_active_for_broadcast:
        raise ApiMessageError(_("The number %(name)s is not connected and on for sending. Connect it under Devices, "
                                "or leave `device` out to let Sebar choose.") % {"name": device},
                              code="device_not_ready", fields={"device": _("not connected")}, status_code=409)
    return device


def device_choose(workspace, phone, candidates):
    """The number for a message to `phone` when the caller named none (see the module docstring), or None.
    `candidates`: the connected sending numbers, healthiest first (`Batch.ranked`)."""
    if len(candidates) < 2:
        return candidates[0] if candidates else None  # one number (most shops): nothing to choose, no query
    ids = [d.pk for d in candidates]
    warm = set(Device.objects.filter(pk__in=ids).annotate(phone=Value(phone, output_field=models.CharField()))
               .filter(reduce(or_, [Q(pk=pk) & warm_q(pk) for pk in ids])).values_list("pk", flat=True))
    if warm:
        return next(d for d in candidates if d.pk in warm)
    last = (Recipient.objects.for_workspace(workspace).filter(phone=phone, device_used_id__in=ids,
                                                              sent_at__isnull=False)
            .order_by("-sent_at").values_list("device_used_id", flat=True).first())
    return next((d for d in candidates if d.pk == last), candidates[0])


def _ranked(workspace):
    """Connected sending numbers, healthiest first (no assessment yet counts as healthy)."""
    return (broadcast_devices(workspace).annotate(rank=Coalesce("health__score", 100))
            .order_by("-rank", "created_at", "pk"))


def _digest(upload):
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def fingerprint(**request):
    """SHA-256 of a request as understood (the phone normalised): what a reused Idempotency-Key must match."""
    return hashlib.sha256(json.dumps(request, sort_keys=True, default=str).encode()).hexdigest()


# ---------------------------------------------------------------- the send


def api_message_replay(workspace, idempotency_key, request_hash):
    """The message made earlier under this key, or None; refused when the key came with another request."""
    if not idempotency_key:
        return None
    earlier = (ApiMessage.objects.for_workspace(workspace).select_related("recipient__device_used")
               .filter(idempotency_key=idempotency_key).first())
    if earlier is not None and earlier.request_hash != request_hash:
        raise ApiMessageError(_("This Idempotency-Key was used for another message. Use a new key for a new "
                                "message; send exactly the same request to get the first answer again."),
                              code="idempotency_key_reused", status_code=422,
                              fields={"Idempotency-Key": _("used with another request")})
    return earlier


class Batch:
    """What the messages of one request share (a bulk send reads each once): the ranked numbers, the API
    campaigns, the numbers already put in them, and the numbers to wake once the rows are stored."""

    def __init__(self, workspace):
        self.workspace = workspace
        self._ranked = None
        self.campaigns = {}
        self.joined = set()
        self.wake = set()
        self.files = {}

    @property
    def ranked(self):
        if self._ranked is None:
            self._ranked = list(_ranked(self.workspace))
        return self._ranked

    def campaign(self, transactional):
        if transactional not in self.campaigns:
            self.campaigns[transactional] = api_campaign(self.workspace, transactional=transactional)
        return self.campaigns[transactional]

    def join(self, campaign, device):
        if (campaign.pk, device.pk) not in self.joined:
            campaign.devices.add(device)  # the engine gives a device the campaigns it belongs to
            self.joined.add((campaign.pk, device.pk))

    def fetch(self, url):
        """The file at `url`, fetched once per batch (many items of a bulk send often share one)."""
        if url not in self.files:
            self.files[url] = media_fetch.fetch(url)
        file = self.files[url]
        file.seek(0)
        return file

    def wake_all(self):
        for device_id in sorted(self.wake):
            engine.start_chain(device_id)  # due now: wake it (the beat's kick wakes it for a later send_at)
        self.wake.clear()


def api_message_send(*, workspace, to, text="", device=None, send_at=None, media=None, media_url="",
                     idempotency_key=None, transactional=False, api_key_prefix="", now=None, batch=None):
    """Queue one message; returns (ApiMessage, created). `media`: an uploaded file; `media_url`: the address of
    one to fetch (campaigns/media_fetch.py), fetched only once the key is known not to replay an earlier message.
    Raises a UserError saying what to fix; a replay under the same key creates nothing.
    With a `batch` (bulk sends) the numbers are woken by `batch.wake_all()`, once each."""
    alone = batch is None
    batch = batch or Batch(workspace)
    now = now or timezone.now()
    idempotency_key = (idempotency_key or "").strip() or None
    if idempotency_key and len(idempotency_key) > 200:
        raise ApiMessageError(_("The Idempotency-Key is longer than 200 characters."),
                              fields={"Idempotency-Key": _("too long")})
    phone = phone_of(workspace, to)
    media_ref = media_url or ("upload:" + _digest(media) if media else "")
    request_hash = fingerprint(to=phone, text=text or "", device=str(device or ""), media=media_ref,
                               send_at=send_at.isoformat() if send_at else "", transactional=bool(transactional))
    earlier = api_message_replay(workspace, idempotency_key, request_hash)
    if earlier is not None:
        return earlier, False
    text_check(text, bool(media or media_url))
    if media_url and not media:
        media = batch.fetch(media_url)
    if media:
        try:
            validate_media(media)
        except Exception as exc:  # Django's ValidationError: its text says what is accepted
            message = "; ".join(getattr(exc, "messages", [str(exc)]))
            raise ApiMessageError(message, code="media_invalid", fields={"media": message}) from exc
    due_later = send_at_check(send_at, now)
    contact = Contact.objects.for_workspace(workspace).filter(phone=phone).first()
    if contact is not None and contact.opted_out and not transactional:
        raise ApiMessageError(_("+%(phone)s opted out of your messages. Only a transactional key may still write "
                                "to them (orders, codes).") % {"phone": phone}, code="contact_opted_out",
                              status_code=422, fields={"to": _("opted out")})
    chosen = device_named(workspace, device) if device else device_choose(workspace, phone, batch.ranked)
    if chosen is None:
        raise ApiMessageError(_("No connected number is switched on for sending. Connect one under Devices first."),
                              code="no_devices", status_code=409)
    variables = contact_variables(contact) if contact is not None else {"phone": phone}
    campaign = batch.campaign(bool(transactional))
    if campaign.paused_by_billing:
        # Queued now, it would wait unseen until a payment: say so instead, as a broadcast's Resume does.
        raise ApiMessageError(_("Your plan lapsed, so nothing is sent. Renew under Billing and send again."),
                              code="paused_by_billing", status_code=402)
    try:
        with transaction.atomic():
            batch.join(campaign, chosen)
            message = _store(workspace, campaign, contact, phone, spintax.render(text or "", variables), chosen,
                             explicit=bool(device), due_later=due_later, media=media, now=now,
                             idempotency_key=idempotency_key, request_hash=request_hash,
                             transactional=transactional, api_key_prefix=api_key_prefix)
    except IntegrityError:
        # Another request with this key won the INSERT a moment ago: answer its message (or refuse the reuse).
        earlier = api_message_replay(workspace, idempotency_key, request_hash)
        if earlier is None:
            raise
        return earlier, False
    if due_later is None:
        batch.wake.add(chosen.pk)
    if alone:
        batch.wake_all()
    return message, True


def _store(workspace, campaign, contact, phone, text, device, *, explicit, due_later, media, now, **fields):
    message = ApiMessage(workspace=workspace, **fields)
    recipient = Recipient.objects.create(
        workspace=workspace, campaign=campaign, contact=contact, phone=phone,
        name=(contact.name if contact else "")[:200], text=text, message_key=str(message.public_id),
        send_at=due_later, prefer_device=device,
        prefer_until=None if explicit else (due_later or now) + timedelta(seconds=PREFER_SECONDS))
    message.recipient = recipient
    if media:
        message.media.save(media.name.rsplit("/", 1)[-1], media, save=False)
    message.save()
    return message


# ---------------------------------------------------------------- where a message stands

STATES = {Recipient.Status.PENDING: "queued", Recipient.Status.SENDING: "queued", Recipient.Status.SENT: "sent",
          Recipient.Status.DELIVERED: "delivered", Recipient.Status.READ: "read",
          Recipient.Status.FAILED: "failed", Recipient.Status.SKIPPED: "failed"}


def api_message_get(workspace, public_id):
    """The workspace's message by its public id, or None (another workspace's id is not found)."""
    return (ApiMessage.objects.for_workspace(workspace)
            .select_related("recipient__device_used", "recipient__prefer_device").filter(public_id=public_id).first())


def api_message_state(message):
    """The answer of POST and GET /api/messages: the message, its state and why it failed."""
    row = message.recipient
    state = STATES[row.status]
    device = row.device_used or row.prefer_device
    return {
        "id": str(message.public_id), "status": state, "to": row.phone, "text": row.text,
        "device": device.session_name if device else None,
        "media": bool(message.media), "transactional": message.transactional,
        "send_at": row.send_at, "created_at": message.created_at, "sent_at": row.sent_at,
        "delivered_at": row.delivered_at, "read_at": row.read_at,
        "error_code": (row.error_code or "send_failed") if state == "failed" else None,
        "error": row.reason if state == "failed" else None,
    }
