"""The merge rule, applied to a batch at once: the way imports and group grabs write contacts.

For each record (phone already normalised, duplicates inside the file already removed):
- an existing contact is kept: an empty name is filled, custom fields it lacks are added, tags added;
- a new phone becomes a contact while the plan has room; past the limit it is "left out".
One SELECT finds the existing contacts, one bulk UPDATE and one bulk INSERT write them, one bulk
INSERT adds the tags (`ignore_conflicts`, so running a batch twice adds nothing twice).
"""
from dataclasses import dataclass, field

from django.utils import timezone

from ..models import Contact, ContactTag
from ..services import tags_ensure

BATCH = 1000


@dataclass
class Record:
    row: int
    phone: str
    name: str = ""
    tags: list = field(default_factory=list)
    custom: dict = field(default_factory=dict)


@dataclass
class Budget:
    """How many new contacts the plan still allows (None = unlimited)."""

    left: int | None

    def take(self):
        if self.left is None:
            return True
        if self.left <= 0:
            return False
        self.left -= 1
        return True


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    over_limit: list = field(default_factory=list)  # records left out by the plan limit


class TagCache:
    """Tag ids by case-folded name for one import, so each name costs one query at most."""

    def __init__(self, workspace):
        self.workspace = workspace
        self.ids = {}

    def ids_for(self, names):
        missing = [n for n in names if n.casefold() not in self.ids]
        if missing:
            for tag in tags_ensure(workspace=self.workspace, names=missing):
                self.ids[tag.name.casefold()] = tag.id
        return {self.ids[n.casefold()] for n in names if n.casefold() in self.ids}


def merge_records(*, workspace, records, tags, source, budget, tag_cache):
    """Write one batch of records under the merge rule. Call inside a transaction."""
    outcome = Outcome()
    if not records:
        return outcome
    phones = [r.phone for r in records]
    existing = {c.phone: c for c in Contact.objects.for_workspace(workspace).filter(phone__in=phones)
                .only("id", "phone", "name", "custom_fields")}
    now = timezone.now()
    changed, new, kept = [], [], []
    for record in records:
        contact = existing.get(record.phone)
        if contact is not None:
            outcome.updated += 1
            kept.append(record)
            dirty = False
            if record.name and not contact.name:
                contact.name, dirty = record.name[:200], True
            for key, value in record.custom.items():
                if value and not (contact.custom_fields or {}).get(key):
                    contact.custom_fields = {**(contact.custom_fields or {}), key: value}
                    dirty = True
            if dirty:
                contact.updated_at = now
                changed.append(contact)
        elif budget.take():
            outcome.created += 1
            kept.append(record)
            new.append(Contact(workspace=workspace, phone=record.phone, name=record.name[:200], source=source[:40],
                               custom_fields=record.custom, created_at=now, updated_at=now))
        else:
            outcome.over_limit.append(record)
    if changed:
        Contact.objects.bulk_update(changed, ["name", "custom_fields", "updated_at"], batch_size=BATCH)
    if new:
        # ignore_conflicts: a contact created meanwhile (an inbound message) is merged, not an error.
        Contact.objects.bulk_create(new, batch_size=BATCH, ignore_conflicts=True)
    base_tag_ids = tag_cache.ids_for(tags) if tags else set()
    if base_tag_ids or any(r.tags for r in kept):
        ids = dict(Contact.objects.for_workspace(workspace).filter(phone__in=[r.phone for r in kept])
                   .values_list("phone", "id"))
        links = []
        for record in kept:
            contact_id = ids.get(record.phone)
            if contact_id is None:
                continue
            for tag_id in base_tag_ids | (tag_cache.ids_for(record.tags) if record.tags else set()):
                links.append(ContactTag(contact_id=contact_id, tag_id=tag_id))
        ContactTag.objects.bulk_create(links, batch_size=BATCH, ignore_conflicts=True)
    return outcome
