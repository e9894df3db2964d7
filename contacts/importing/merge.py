"""The merge rule, applied to a batch at once: the way imports and group grabs write contacts.

For each record (phone already normalised, duplicates inside the file already removed):
- an existing contact is kept: an empty name is filled, custom fields it lacks are added, tags added;
- a new phone becomes a contact while the plan has room; past the limit it is "left out".
One SELECT finds the existing contacts, one bulk UPDATE and one bulk INSERT write them, and one
INSERT ... SELECT per tag links them (conflicts ignored, so running a batch twice adds nothing twice).

The big INSERTs are plain SQL rather than `bulk_create`: building a model instance and preparing each
field costs more than parsing and normalising the row itself (measured with bench/contacts_import.py),
and these rows need none of what the ORM adds. Tag links are selected by phone inside the database, so
the new contacts' ids never travel back to Python.

Values the import itself made (normalised phones, the workspace id, the chunk's timestamp) are written
into the SQL as literals, after `_literal_*` checked their exact shape; only text from the file goes
as parameters. The driver escapes every parameter in Python, and that had become a third of an
import's writing time: nine per contact and one per phone in every IN list.
"""
import json
import re
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone

from ..models import Contact, ContactTag
from ..services import tags_ensure

# Rows per statement on MariaDB: a whole chunk, since every statement is a round trip to the server.
BATCH = 5000


_TIMESTAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?")


def _literal_phones(phones):
    """'628...', '628...' for an IN list: normalised phones are ASCII digits, checked here, never quoted text."""
    for phone in phones:
        if not (phone.isascii() and phone.isdigit()):
            raise ValueError(f"not a normalised phone: {phone!r}")
    return ", ".join(f"'{phone}'" for phone in phones)


def _literal_int(value):
    return str(int(value))


def _literal_timestamp(value):
    """The database's own text for a datetime (what `adapt_datetimefield_value` returns), checked."""
    text = str(value)
    if not _TIMESTAMP.fullmatch(text):
        raise ValueError(f"unexpected timestamp text: {text!r}")
    return f"'{text}'"


def _per_statement(params_per_row):
    """How many rows fit one statement: SQLite caps the parameters of a statement (999), MariaDB does not."""
    limit = connection.features.max_query_params
    return max(1, (limit - 2) // params_per_row) if limit else BATCH


@dataclass(slots=True)
class Record:
    row: int
    phone: str
    name: str = ""
    tags: tuple = ()  # tag names, cleaned
    custom: dict = field(default_factory=dict)


@dataclass
class Budget:
    """How many new contacts the plan still allows (None = unlimited)."""

    left: int | None

    def take(self, wanted):
        """How many of `wanted` new contacts fit (and use them up)."""
        if self.left is None:
            return wanted
        granted = min(wanted, max(self.left, 0))
        self.left -= granted
        return granted


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
        self.by_names = {}  # the same few tag lists repeat on every row

    def ids_for(self, names):
        names = tuple(names)
        found = self.by_names.get(names)
        if found is None:
            missing = [n for n in names if n.casefold() not in self.ids]
            if missing:
                for tag in tags_ensure(workspace=self.workspace, names=missing):
                    self.ids[tag.name.casefold()] = tag.id
            found = self.by_names[names] = frozenset(self.ids[n.casefold()] for n in names
                                                     if n.casefold() in self.ids)
        return found


def _insert_ignore_sql(table, columns, rows_sql):
    """INSERT that skips rows hitting a unique constraint. The one dialect branch of imports."""
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    table = connection.ops.quote_name(table)
    if connection.vendor == "mysql":
        # MariaDB has no ON CONFLICT; INSERT IGNORE also downgrades other errors to warnings, which is
        # why every value is cut to its column's size before it gets here.
        return f"INSERT IGNORE INTO {table} ({names}) {rows_sql}"  # noqa: S608 - names are ours
    # SQLite: rows_sql as a SELECT always has a WHERE here, which keeps ON CONFLICT unambiguous.
    return f"INSERT INTO {table} ({names}) {rows_sql} ON CONFLICT DO NOTHING"  # noqa: S608


def insert_ignore(table, columns, rows, placeholder=None):
    """INSERT rows (tuples in `columns` order), skipping those that hit a unique constraint.

    Multi-row VALUES rather than executemany: the MariaDB driver cuts executemany into 64 KB statements,
    each one more round trip. `placeholder` is one row's VALUES group when some columns are literals.
    """
    placeholder = placeholder or "({})".format(", ".join(["%s"] * len(columns)))
    size = _per_statement(placeholder.count("%s"))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            part = rows[start:start + size]
            sql = _insert_ignore_sql(table, columns, "VALUES " + ", ".join([placeholder] * len(part)))
            cursor.execute(sql, [value for row in part for value in row])


def link_tags(workspace, phones_by_tag):
    """Add tag links {tag_id: [phone, ...]} to the workspace's contacts; existing links are kept."""
    contacts = connection.ops.quote_name(Contact._meta.db_table)
    with connection.cursor() as cursor:
        for tag_id, phones in phones_by_tag.items():
            for start in range(0, len(phones), BATCH):
                part = phones[start:start + BATCH]
                select = (f"SELECT id, %s FROM {contacts} WHERE workspace_id = %s "  # noqa: S608 - checked literals
                          f"AND phone IN ({_literal_phones(part)})")
                cursor.execute(_insert_ignore_sql(ContactTag._meta.db_table, ["contact_id", "tag_id"], select),
                               [tag_id, workspace.pk])


def _existing(workspace, phones):
    """{phone: (id, name, custom_fields)} of the contacts the workspace already has among `phones`.

    Plain SQL: the ORM prepares each of the thousands of IN values one by one, which costs more than
    the query itself.
    """
    contacts = connection.ops.quote_name(Contact._meta.db_table)
    found = {}
    with connection.cursor() as cursor:
        for start in range(0, len(phones), BATCH):
            part = phones[start:start + BATCH]
            cursor.execute(f"SELECT id, phone, name, custom_fields FROM {contacts} "  # noqa: S608 - checked literals
                           f"WHERE workspace_id = %s AND phone IN ({_literal_phones(part)})", [workspace.pk])
            for pk, phone, name, custom in cursor.fetchall():
                found[phone] = (pk, name, json.loads(custom) if isinstance(custom, str | bytes) else custom)
    return found


def merge_records(*, workspace, records, tags, source, budget, tag_cache):
    """Write one batch of records under the merge rule. Call inside a transaction."""
    outcome = Outcome()
    if not records:
        return outcome
    existing = _existing(workspace, [r.phone for r in records])
    now = timezone.now()
    changed, new, kept = [], [], []
    for record in records:
        found = existing.get(record.phone)
        if found is None:
            new.append(record)
            continue
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
    outcome.updated = len(kept)
    granted = budget.take(len(new))
    new, outcome.over_limit = new[:granted], new[granted:]
    outcome.created = len(new)
    kept.extend(new)
    if changed:
        Contact.objects.bulk_update(changed, ["name", "custom_fields", "updated_at"], batch_size=BATCH)
    # Conflicts ignored: a contact created meanwhile (an inbound message) is merged, not an error.
    db_now = _literal_timestamp(connection.ops.adapt_datetimefield_value(now))
    source, dumps = source[:40], json.dumps
    insert_ignore(Contact._meta.db_table,
                  ["workspace_id", "phone", "name", "source", "custom_fields", "opted_out", "opted_out_reason",
                   "created_at", "updated_at"],
                  [(r.phone, r.name[:200], source, dumps(r.custom)) for r in new],
                  placeholder=f"({_literal_int(workspace.pk)}, %s, %s, %s, %s, 0, '', {db_now}, {db_now})")
    base_ids = tag_cache.ids_for(tags) if tags else frozenset()
    phones_by_tag = {tag_id: [r.phone for r in kept] for tag_id in base_ids}
    for record in kept:
        if record.tags:
            for tag_id in tag_cache.ids_for(record.tags) - base_ids:
                phones_by_tag.setdefault(tag_id, []).append(record.phone)
    link_tags(workspace, phones_by_tag)
    return outcome
