"""Every write to link rotators: create, update (with the numbers), delete.

The public redirect reads a cached copy of each link (`link_config`), so each write forgets that copy
once the transaction commits.
"""
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from billing import limits
from common.phones import normalize
from common.spintax import SpintaxError
from config.errors import UserError

from . import link_config, message
from .errors import RotatorInvalid, SlugTaken
from .models import MAX_NUMBERS_PER_LINK, LinkRotator, RotatorNumber
from .slugs import validate_slug

EDITABLE = ("name", "slug", "mode", "text", "is_active", "only_connected")


def _forget_on_commit(*slugs):
    # Now, and again after commit: a click between the two may re-cache the old row from the database.
    link_config.forget(*slugs)
    transaction.on_commit(lambda: link_config.forget(*slugs))


def _clean_slug(workspace, slug, exclude_pk=None):
    slug = (slug or "").strip().lower()
    try:
        validate_slug(slug)
    except ValidationError as exc:
        raise RotatorInvalid(exc.messages[0], fields={"slug": exc.messages[0]})
    taken = LinkRotator.objects.filter(slug=slug).exclude(pk=exclude_pk).exists()
    if taken:
        msg = _("The link /link/%(slug)s is already taken. Choose another slug.") % {"slug": slug}
        raise SlugTaken(msg, fields={"slug": msg})
    return slug


def _clean_text(text):
    try:
        message.validate(text)
    except SpintaxError as exc:
        raise RotatorInvalid(exc.message, fields={"text": exc.message})
    return text


def clean_numbers(workspace, numbers):
    """[{"phone", "weight", "device"}] -> the same, normalised and checked; errors name the row."""
    if not numbers:
        msg = _("Add at least one WhatsApp number for visitors to be sent to.")
        raise RotatorInvalid(msg, fields={"numbers": msg})
    if len(numbers) > MAX_NUMBERS_PER_LINK:
        msg = _("A link can spread visitors over at most %(max)s numbers; you gave %(count)s.") % {
            "max": MAX_NUMBERS_PER_LINK, "count": len(numbers)}
        raise RotatorInvalid(msg, fields={"numbers": msg})
    cleaned, seen = [], set()
    for index, entry in enumerate(numbers, start=1):
        try:
            phone = normalize(entry.get("phone", ""))
        except UserError as exc:  # contacts.errors.InvalidPhone, saying why
            raise RotatorInvalid(_("Number %(row)s: %(error)s") % {"row": index, "error": exc.message},
                                 fields={"numbers": exc.message})
        if phone in seen:
            msg = _("Number %(row)s (+%(phone)s) is listed twice. Keep it once and raise its weight instead.") % {
                "row": index, "phone": phone}
            raise RotatorInvalid(msg, fields={"numbers": msg})
        seen.add(phone)
        weight = entry.get("weight")
        weight = 1 if weight in (None, "") else weight
        try:
            weight = int(weight)
        except (TypeError, ValueError):
            weight = 0
        if not 1 <= weight <= 1000:
            msg = _("Number %(row)s: the weight must be a whole number from 1 to 1000.") % {"row": index}
            raise RotatorInvalid(msg, fields={"numbers": msg})
        device = entry.get("device")
        if device is not None and device.workspace_id != workspace.pk:
            msg = _("Number %(row)s: that device does not exist.") % {"row": index}
            raise RotatorInvalid(msg, fields={"numbers": msg})
        cleaned.append({"phone": phone, "weight": weight, "device": device})
    return cleaned


def _numbers_replace(rotator, numbers):
    rotator.numbers.all().delete()
    RotatorNumber.objects.bulk_create([
        RotatorNumber(workspace=rotator.workspace, rotator=rotator, phone=n["phone"], weight=n["weight"],
                      device=n["device"], position=i)
        for i, n in enumerate(numbers)
    ])


def _save(rotator):
    try:
        rotator.full_clean(exclude=["slug"])  # slug checked above with a clearer message
        with transaction.atomic():
            rotator.save()
    except IntegrityError:
        msg = _("The link /link/%(slug)s is already taken. Choose another slug.") % {"slug": rotator.slug}
        raise SlugTaken(msg, fields={"slug": msg})
    except ValidationError as exc:
        fields = {k: v[0] for k, v in exc.message_dict.items()}
        raise RotatorInvalid("; ".join(f"{k}: {v}" for k, v in fields.items()), fields=fields)


def rotator_create(*, workspace, slug, numbers, mode=LinkRotator.Mode.SEQUENTIAL, text="", name="",
                   is_active=True, only_connected=False):
    limits.check(workspace, "rotators")  # refuse early, before the slug and numbers are checked
    rotator = LinkRotator(workspace=workspace, name=name or "", slug=_clean_slug(workspace, slug), mode=mode,
                          text=_clean_text(text or ""), is_active=is_active, only_connected=only_connected)
    numbers = clean_numbers(workspace, numbers)
    with transaction.atomic():
        limits.reserve(workspace, "rotators")
        _save(rotator)
        _numbers_replace(rotator, numbers)
        _forget_on_commit(rotator.slug)  # a "no such link" answer may be cached for this slug
    return rotator


def rotator_update(*, rotator, numbers=None, **changes):
    """Change the given fields; `numbers`, when given, replaces the whole list (order = position)."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TypeError(f"rotator_update() cannot change {sorted(unknown)}")
    old_slug = rotator.slug
    if "slug" in changes:
        changes["slug"] = _clean_slug(rotator.workspace, changes["slug"], exclude_pk=rotator.pk)
    if "text" in changes:
        changes["text"] = _clean_text(changes["text"] or "")
    if numbers is not None:
        numbers = clean_numbers(rotator.workspace, numbers)
    for field, value in changes.items():
        setattr(rotator, field, value)
    with transaction.atomic():
        _save(rotator)
        if numbers is not None:
            _numbers_replace(rotator, numbers)
        _forget_on_commit(old_slug, rotator.slug)
    return rotator


def rotator_delete(*, rotator):
    slug = rotator.slug
    with transaction.atomic():
        rotator.delete()
        _forget_on_commit(slug)


def device_changed(*, device_id):
    """A device's status changed: links routing to it must re-read which numbers are connected."""
    slugs = LinkRotator.objects.filter(numbers__device_id=device_id).values_list("slug", flat=True).distinct()
    link_config.forget(*slugs)
