"""Every write to contacts: create, edit, delete, tag, bulk actions, opt-out, inbound contacts.

Keyword-only, named `<entity>_<action>`. Bulk imports write through `contacts.importing.merge`, which
applies the same merge rule in batches.
"""
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.language import workspace_language
from billing import limits
from billing.errors import LimitReached
from common import phones
from common.events import emit
from config.errors import UserError

from .models import DEFAULT_OPT_OUT_WORDS, Contact, ContactSettings, ContactTag, Tag
from .selectors import opt_out_words

MAX_TAG_LENGTH = 80


def clean_tag_names(names):
    """Trimmed, de-duplicated (case-insensitively) tag names; a comma-separated string is split."""
    if isinstance(names, str):
        names = names.split(",")
    seen, result = set(), []
    for raw in names or ():
        name = " ".join(str(raw).split())[:MAX_TAG_LENGTH]
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            result.append(name)
    return result


def tags_ensure(*, workspace, names):
    """The workspace's Tag rows for these names, created when missing (existing spelling wins)."""
    names = clean_tag_names(names)
    if not names:
        return []
    existing = {t.name.casefold(): t for t in Tag.objects.for_workspace(workspace)
                if t.name.casefold() in {n.casefold() for n in names}}
    missing = [Tag(workspace=workspace, name=n) for n in names if n.casefold() not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        for tag in Tag.objects.for_workspace(workspace).filter(name__in=[t.name for t in missing]):
            existing[tag.name.casefold()] = tag
    return [existing[n.casefold()] for n in names if n.casefold() in existing]


def _set_tags(contact, names):
    tags = tags_ensure(workspace=contact.workspace, names=names)
    ContactTag.objects.filter(contact=contact).exclude(tag__in=tags).delete()
    ContactTag.objects.bulk_create([ContactTag(contact=contact, tag=t) for t in tags], ignore_conflicts=True)


def _phone(workspace, raw):
    try:
        return phones.normalize(raw, workspace.default_region or "ID")
    except UserError as exc:
        raise UserError(exc.message, code="invalid_phone", fields={"phone": exc.message})


def contact_create(*, workspace, phone, name="", tags=(), custom_fields=None, source=""):
    """A contact typed in by hand (source "Manual", in the workspace's language) or sent through the API."""
    phone = _phone(workspace, phone)
    if not source:
        with workspace_language(workspace):
            source = _("Manual")
    if Contact.objects.for_workspace(workspace).filter(phone=phone).exists():
        raise UserError(_("A contact with the number +%(phone)s already exists. Edit that one instead.")
                        % {"phone": phone}, code="duplicate_contact", fields={"phone": _("Already in contacts.")})
    contact = Contact(workspace=workspace, phone=phone, name=(name or "").strip()[:200], source=source[:40],
                      custom_fields=dict(custom_fields or {}))
    contact.full_clean(exclude=["tags"])
    with transaction.atomic():
        limits.reserve(workspace, "contacts")  # the limit check, made under the workspace lock
        contact.save()
        _set_tags(contact, tags)
    emit("contact.created", workspace_id=workspace.pk, data={"contact": _contact_data(contact)})
    return contact


def _contact_data(contact):
    return {"id": contact.pk, "phone": contact.phone, "name": contact.name, "source": contact.source}


def contact_update(*, contact, phone=None, name=None, tags=None, custom_fields=None):
    """Change what is given; `tags` replaces the contact's tags."""
    if phone is not None:
        new_phone = _phone(contact.workspace, phone)
        if new_phone != contact.phone and Contact.objects.for_workspace(contact.workspace).filter(
                phone=new_phone).exists():
            raise UserError(_("Another contact already has the number +%(phone)s.") % {"phone": new_phone},
                            code="duplicate_contact", fields={"phone": _("Already in contacts.")})
        contact.phone = new_phone
    if name is not None:
        contact.name = name.strip()[:200]
    if custom_fields is not None:
        if not isinstance(custom_fields, dict):
            raise UserError(_("Custom fields must be an object like {\"city\": \"Bandung\"}."),
                            fields={"custom_fields": _("Expected an object.")})
        contact.custom_fields = {str(k)[:60]: str(v)[:500] for k, v in custom_fields.items()}
    contact.full_clean(exclude=["tags"])
    with transaction.atomic():
        contact.save()
        if tags is not None:
            _set_tags(contact, tags)
    return contact


def contact_delete(*, contact):
    contact.delete()


def contacts_tag(*, workspace, contacts, names):
    """Add tags to every contact of the queryset, in one INSERT ... SELECT per tag."""
    tags = tags_ensure(workspace=workspace, names=names)
    ids = contacts.order_by().values_list("id", flat=True)
    added = 0
    for tag in tags:
        batch = []
        for contact_id in ids.iterator(chunk_size=5000):
            batch.append(ContactTag(contact_id=contact_id, tag=tag))
            if len(batch) >= 5000:
                added += len(ContactTag.objects.bulk_create(batch, ignore_conflicts=True))
                batch = []
        added += len(ContactTag.objects.bulk_create(batch, ignore_conflicts=True))
    return added


def contacts_untag(*, workspace, contacts, names):
    tags = Tag.objects.for_workspace(workspace).filter(name__in=clean_tag_names(names))
    removed, _detail = ContactTag.objects.filter(tag__in=tags, contact__in=contacts.order_by().values("id")).delete()
    return removed


def contacts_delete(*, workspace, contacts):
    """Delete in batches so a whole-filter delete of 1M rows never holds them all in memory, and
    other apps' foreign keys to contacts still cascade through Django."""
    scoped = Contact.objects.for_workspace(workspace)
    ids = list(contacts.order_by().values_list("id", flat=True)[:2000])
    deleted = 0
    while ids:
        with transaction.atomic():
            batch = scoped.filter(id__in=ids).delete()[1].get("contacts.Contact", 0)
        if not batch:
            break
        deleted += batch
        ids = list(contacts.order_by().values_list("id", flat=True)[:2000])
    return deleted


def contacts_mark_on_whatsapp(*, workspace, phones, on_whatsapp):
    """Record what WhatsApp said of these numbers (a campaign's check before sending); returns rows changed."""
    return (Contact.objects.for_workspace(workspace).filter(phone__in=list(phones))
            .exclude(on_whatsapp=on_whatsapp).update(on_whatsapp=on_whatsapp))


def contact_opt_out(*, contact, reason="", by=None):
    """Broadcasts skip the contact from now on. Without a `reason` one is written, in the workspace's
    language like every value Sebar stores (an agent's language is not the shop's)."""
    if contact.opted_out:
        return contact
    if not reason:
        with workspace_language(contact.workspace):
            reason = _("Marked by %(user)s") % {"user": by} if by else _("Opted out by hand")
    contact.opted_out = True
    contact.opted_out_at = timezone.now()
    contact.opted_out_reason = reason[:200]
    contact.save(update_fields=["opted_out", "opted_out_at", "opted_out_reason", "updated_at"])
    emit("contact.opted_out", workspace_id=contact.workspace_id,
         data={"contact": _contact_data(contact), "reason": contact.opted_out_reason})
    return contact


def contact_opt_in(*, contact):
    """Undo an opt-out. Only owners reach this (contacts:edit), and only by hand."""
    contact.opted_out = False
    contact.opted_out_at = None
    contact.opted_out_reason = ""
    contact.save(update_fields=["opted_out", "opted_out_at", "opted_out_reason", "updated_at"])
    return contact


def contact_get_or_create_inbound(*, workspace, phone, name=""):
    """The contact writing to us; created with source "Inbound" (in the workspace's language). Over the
    plan limit the contact is still returned (unsaved) so the inbound flow never fails on billing."""
    phone = phones.normalize(phone, workspace.default_region or "ID")
    contact = Contact.objects.for_workspace(workspace).filter(phone=phone).first()
    if contact:
        if name and not contact.name:
            contact.name = name[:200]
            contact.save(update_fields=["name", "updated_at"])
        return contact
    with workspace_language(workspace):
        source = _("Inbound")
    contact = Contact(workspace=workspace, phone=phone, name=(name or "")[:200], source=source)
    try:
        limits.check(workspace, "contacts")
    except LimitReached:
        return contact
    try:
        with transaction.atomic():
            contact.save()
    except IntegrityError:  # another message from the same person got there first
        return Contact.objects.for_workspace(workspace).get(phone=phone)
    return contact


def _word(text):
    return " ".join(str(text or "").split()).strip(" .!").casefold()


def opt_out_check(*, workspace, phone, text):
    """Mark the contact opted out when `text` is one of the workspace's opt-out words; True if so."""
    said = _word(text)
    if not said or said not in {_word(w) for w in opt_out_words(workspace)}:
        return False
    contact = contact_get_or_create_inbound(workspace=workspace, phone=phone)
    if contact.pk is None:
        # Over the plan limit: still record the opt-out, an opted-out row must exist to be honoured.
        contact.save()
    with workspace_language(workspace):
        reason = _("Wrote \"%(text)s\"") % {"text": str(text).strip()[:60]}
    contact_opt_out(contact=contact, reason=reason)
    return True


def opt_out_words_set(*, workspace, words):
    cleaned = []
    for word in words if not isinstance(words, str) else words.replace("\n", ",").split(","):
        word = " ".join(str(word).split()).upper()
        if word and word not in cleaned:
            cleaned.append(word[:40])
    if not cleaned:
        raise UserError(_("Keep at least one opt-out word, e.g. STOP."), fields={"words": _("Required.")})
    row, _created = ContactSettings.objects.get_or_create(workspace=workspace,
                                                          defaults={"opt_out_words": DEFAULT_OPT_OUT_WORDS})
    row.opt_out_words = cleaned
    row.save()
    return row


def contact_cap_set(*, workspace, messages, days):
    """Set how many broadcast messages a contact may get in how many days (0 messages: no cap)."""
    errors = {}
    if not isinstance(messages, int) or not 0 <= messages <= 100:
        errors["messages"] = _("A whole number from 0 (no cap) to 100.")
    if not isinstance(days, int) or not 1 <= days <= 90:
        errors["days"] = _("A whole number of days from 1 to 90.")
    if errors:
        raise UserError(_("Check the limit per contact: %(what)s") % {"what": " ".join(errors.values())},
                        code="invalid_contact_cap", fields=errors)
    row, _created = ContactSettings.objects.get_or_create(workspace=workspace,
                                                          defaults={"opt_out_words": DEFAULT_OPT_OUT_WORDS})
    row.contact_cap_messages, row.contact_cap_days = messages, days
    row.save(update_fields=["contact_cap_messages", "contact_cap_days"])
    return row
