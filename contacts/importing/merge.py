"""The merge rule, applied to a batch at once: the way imports and group grabs write contacts.

For each record (phone already normalised, duplicates inside the file already removed):
- an existing contact is kept: an empty name is filled, custom fields it lacks are added, tags added;
- a new phone becomes a contact while the plan has room; past the limit it is "left out".
One SELECT finds the existing contacts, one bulk UPDATE and one bulk INSERT write them, one bulk
INSERT adds the tags (conflicts ignored, so running a batch twice adds nothing twice).

The two big INSERTs are plain `executemany` rather than `bulk_create`: building a model instance and
preparing each field costs more than parsing and normalising the row itself (measured with
bench/contacts_import.py), and these rows need none of what the ORM adds.
"""
import json
from dataclasses import dataclass, field

from django.db import connection
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


def insert_ignore(table, columns, rows):
    """INSERT rows, skipping those that hit a unique constraint. The one dialect branch of imports."""
    if not rows:
        return
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    values = ", ".join(["%s"] * len(columns))
    table = connection.ops.quote_name(table)
    if connection.vendor == "mysql":
        # MariaDB has no ON CONFLICT; INSERT IGNORE also downgrades other errors to warnings, which is
        # why every value is cut to its column's size before it gets here.
        sql = f"INSERT IGNORE INTO {table} ({names}) VALUES ({values})"  # noqa: S608 - names are ours
    else:
        sql = f"INSERT INTO {table} ({names}) VALUES ({values}) ON CONFLICT DO NOTHING"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start:start + BATCH])


def merge_records(*, workspace, records, tags, source, budget, tag_cache):
    """Write one batch of records under the merge rule. Call inside a transaction."""
    outcome = Outcome()
    if not records:
        return outcome
    phones = [r.phone for r in records]
    existing = {phone: (pk, name, custom) for pk, phone, name, custom in Contact.objects.for_workspace(workspace)
                .filter(phone__in=phones).values_list("id", "phone", "name", "custom_fields")}
    now = timezone.now()
    db_now = connection.ops.adapt_datetimefield_value(now)
    changed, new, kept = [], [], []
    for record in records:
        found = existing.get(record.phone)
        if found is not None:
            outcome.updated += 1
            kept.append(record)
            pk, name, custom = found
            custom = dict(custom or {})
            dirty = False
            if record.name and not name:
                name, dirty = record.name[:200], True
            for key, value in record.custom.items():
                if value and not custom.get(key):
                    custom[key], dirty = value, True
            if dirty:
                changed.append(Contact(id=pk, name=name, custom_fields=custom, updated_at=now))
        elif budget.take():
            outcome.created += 1
            kept.append(record)
            new.append((workspace.pk, record.phone, record.name[:200], source[:40], json.dumps(record.custom),
                        False, "", db_now, db_now))
        else:
            outcome.over_limit.append(record)
    if changed:
        Contact.objects.bulk_update(changed, ["name", "custom_fields", "updated_at"], batch_size=BATCH)
    # Conflicts ignored: a contact created meanwhile (an inbound message) is merged, not an error.
    insert_ignore(Contact._meta.db_table, ["workspace_id", "phone", "name", "source", "custom_fields", "opted_out",
                                           "opted_out_reason", "created_at", "updated_at"], new)
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
                links.append((contact_id, tag_id))
        insert_ignore(ContactTag._meta.db_table, ["contact_id", "tag_id"], links)
    return outcome
