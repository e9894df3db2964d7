"""Run a file import: stream rows, parse, de-duplicate, merge in chunks, record progress and rejects.

Crash-safe by construction: each chunk's contacts, tags, rejects and the job's counters and `last_row`
commit in ONE transaction, and the job row is locked and checked (`last_row` must be where this run
expects it) before writing. A re-run (Celery redelivers a task whose worker died; the page offers
"Resume" on a failed job) skips committed rows, re-reading them only to rebuild the set of phones seen,
so duplicates are counted exactly as in an uninterrupted run and nothing is written twice.

The next chunk is parsed in a helper thread while this one is written: the database drivers release
the GIL while they wait for the server, so parsing (mostly `phonenumbers`) fills that wait. The helper
never touches the database; only this thread writes, so transactions stay as they were.

Memory is bounded by two chunks (the one written, the one parsed) plus the set of seen phones (one int
per unique phone, ~60 MB at 1M).
"""
import logging
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import limits
from common.phones import InvalidPhone, normalize

from ..errors import ImportFileError
from ..models import ImportJob, ImportReject
from ..services import clean_tag_names
from . import columns, readers, reasons
from .merge import Budget, Record, TagCache, merge_records
from .sniff import FileInfo

logger = logging.getLogger(__name__)
CHUNK_ROWS = 5000
# How soon the interpreter hands the GIL to a thread that waits for it, while an import runs (see _write_chunks).
SWITCH_SECONDS = 0.0005


class Superseded(Exception):
    """Another run of the same job moved it on; this one stops without writing."""


def file_info(job):
    return FileInfo(job.file_format, encoding=job.encoding, delimiter=job.delimiter)


def data_rows(job):
    """(row number as the spreadsheet shows it, cells) for every row after the header."""
    for index, cells in enumerate(readers.rows(job.file.path, file_info(job)), start=1):
        if index == 1 and job.has_header:
            continue
        yield index, cells


@dataclass
class Chunk:
    """Up to CHUNK_ROWS rows, parsed: the records to merge and what to report."""

    last_row: int = 0
    records: list = field(default_factory=list)
    rejects: list = field(default_factory=list)  # (row, value, reason code, params)
    duplicates: int = 0


class RowParser:
    """Turns rows into Records or reject reason codes, per the job's mapping; no database access."""

    def __init__(self, job):
        self.region = job.workspace.default_region or "ID"
        self.width = len(job.mapping)
        self.phone_col = job.mapping.index(columns.PHONE)
        self.name_col = job.mapping.index(columns.NAME) if columns.NAME in job.mapping else None
        self.tag_cols = [i for i, t in enumerate(job.mapping) if t == columns.TAGS]
        self.fields = [(i, t[len(columns.FIELD):]) for i, t in enumerate(job.mapping) if t.startswith(columns.FIELD)]
        self.seen = set()  # phones (as ints) met so far in the file, committed or not
        # Phones whose first row had no name: a later row of the same phone may still give one ("an empty
        # name is filled" holds inside one file as it does against the database).
        self.nameless = set()
        self._tag_names = {}  # tag cells repeat ("VIP, Lead"): clean each spelling once

    def _tags(self, cells):
        names = []
        for i in self.tag_cols:
            raw = cells[i]
            if raw:
                cleaned = self._tag_names.get(raw)
                if cleaned is None:
                    cleaned = self._tag_names[raw] = tuple(clean_tag_names(raw.replace(";", ",")))
                names.extend(cleaned)
        return tuple(clean_tag_names(names)) if len(self.tag_cols) > 1 else tuple(names)

    def _name(self, cells):
        return " ".join(cells[self.name_col].split())[:200] if self.name_col is not None else ""

    def _record(self, row, cells, phone):
        """Cells padded to the mapping's width."""
        return Record(row, phone, self._name(cells),
                      self._tags(cells) if self.tag_cols else (),
                      {key: cells[i][:500] for i, key in self.fields if cells[i]})

    def _phone(self, cells):
        raw = cells[self.phone_col]
        if not raw:
            raise InvalidPhone(str(reasons.REASONS[reasons.NO_PHONE]), reason=reasons.NO_PHONE)
        return normalize(raw, self.region)

    def chunks(self, rows, after_row):
        """Chunks of the rows after `after_row`; earlier rows (committed by a previous run) only fill `seen`."""
        seen, width, chunk, size = self.seen, self.width, Chunk(), 0
        in_chunk = {}  # phone key -> its record in the chunk being built
        for row, cells in rows:
            if len(cells) < width:  # short rows: missing cells are empty
                cells += [""] * (width - len(cells))
            if row <= after_row:
                try:
                    key = int(self._phone(cells))
                except InvalidPhone:
                    continue
                if key not in seen:
                    seen.add(key)
                    if self._name(cells) == "":
                        self.nameless.add(key)
                elif key in self.nameless and self._name(cells):
                    self.nameless.discard(key)
                continue
            chunk.last_row, size = row, size + 1
            if any(cells):  # empty lines are not rows anyone wrote
                try:
                    phone = self._phone(cells)
                except InvalidPhone as exc:
                    chunk.rejects.append((row, cells[self.phone_col][:200], exc.reason, exc.params))
                else:
                    key = int(phone)
                    if key in seen:
                        chunk.duplicates += 1
                        name = self._name(cells) if key in self.nameless else ""
                        if name:
                            self.nameless.discard(key)
                            if key in in_chunk:
                                in_chunk[key].name = name
                            else:  # its first row is committed: the merge fills the stored empty name
                                chunk.records.append(Record(row, phone, name))
                    else:
                        seen.add(key)
                        record = self._record(row, cells, phone)
                        if not record.name:
                            self.nameless.add(key)
                        in_chunk[key] = record
                        chunk.records.append(record)
            if size >= CHUNK_ROWS:
                yield chunk
                chunk, size, in_chunk = Chunk(), 0, {}
        if chunk.last_row:
            yield chunk


def _commit_chunk(job, chunk, state):
    """Write one parsed chunk; raises Superseded if another run got ahead."""
    rejects = [ImportReject(job_id=job.pk, row_number=row, value=value, code=code, params=params)
               for row, value, code, params in chunk.rejects]
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().filter(pk=job.pk).values_list("last_row", flat=True).first()
        if locked != state["last_row"]:
            raise Superseded()
        # The room left is counted per chunk under the workspace lock, as every other add counts it, so an
        # import running beside a grab, a manual add or another import never takes the same last seats.
        # (Unlimited plans skip the count.)
        budget = Budget(limits.remaining(job.workspace, "contacts", lock=True))
        outcome = merge_records(workspace=job.workspace, records=chunk.records, tags=job.tags, source=job.source,
                                budget=budget, tag_cache=state["tags"])
        rejects.extend(ImportReject(job_id=job.pk, row_number=r.row, value=r.phone, code=reasons.OVER_LIMIT)
                       for r in outcome.over_limit)
        ImportReject.objects.bulk_create(rejects, batch_size=1000)
        ImportJob.objects.filter(pk=job.pk).update(
            last_row=chunk.last_row, created_count=F("created_count") + outcome.created,
            updated_count=F("updated_count") + outcome.updated,
            duplicate_count=F("duplicate_count") + chunk.duplicates,
            rejected_count=F("rejected_count") + len(chunk.rejects),
            over_limit_count=F("over_limit_count") + len(outcome.over_limit))
    state["last_row"] = chunk.last_row


_handover = {"lock": threading.Lock(), "running": 0, "previous": None}


@contextmanager
def _quick_handover():
    """Shorten the GIL switch interval while imports run in this process, then put it back.

    A scheduling knob of the process: it changes how often threads take turns, nothing else. Counted,
    so two imports in one threaded worker neither restore it early nor leave it short.
    """
    with _handover["lock"]:
        if not _handover["running"]:
            _handover["previous"] = sys.getswitchinterval()
            sys.setswitchinterval(min(_handover["previous"], SWITCH_SECONDS))
        _handover["running"] += 1
    try:
        yield
    finally:
        with _handover["lock"]:
            _handover["running"] -= 1
            if not _handover["running"]:
                sys.setswitchinterval(_handover["previous"])


def _write_chunks(job, state):
    """Parse the file chunk by chunk in a helper thread, one chunk ahead of the writes here."""
    chunks = RowParser(job).chunks(data_rows(job), after_row=job.last_row)

    def parse_next():  # rejects keep reason codes, so parsing needs no language (reasons.py translates on read)
        return next(chunks, None)

    # The writes are the critical path: while a query runs, parsing fills the wait; when the query
    # returns, the writer must get the GIL back soon, not after the interpreter's 5 ms switch interval,
    # a wait that would otherwise follow every query.
    with _quick_handover(), ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-parse") as pool:
        ahead = pool.submit(parse_next)
        while (chunk := ahead.result()) is not None:
            ahead = pool.submit(parse_next)
            _commit_chunk(job, chunk, state)


def import_run(job):
    """Run (or resume) a queued file import to the end. Safe to call twice."""
    if job.status not in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING):
        return job
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, error="",
                                               started_at=job.started_at or timezone.now())
    try:
        if job.total_rows is None:
            total = readers.count_rows(job.file.path, file_info(job)) - (1 if job.has_header else 0)
            ImportJob.objects.filter(pk=job.pk).update(total_rows=max(total, 0))
        state = {"last_row": job.last_row, "tags": TagCache(job.workspace)}
        _write_chunks(job, state)
    except Superseded:
        logger.info("import %s: another run is ahead, stopping this one", job.pk)
        return job
    except ImportFileError as exc:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.FAILED, error=exc.message,
                                                   finished_at=timezone.now())
        job.refresh_from_db()
        return job
    except Exception:
        job.refresh_from_db()
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED, finished_at=timezone.now(),
            error=_("The import stopped after row %(row)s because of an error on our side. Press Resume to "
                    "continue from there; nothing will be imported twice.") % {"row": job.last_row})
        raise
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.DONE, finished_at=timezone.now())
    job.refresh_from_db()
    _delete_file(job)
    return job


def _delete_file(job):
    """A finished import's file is deleted: the contacts are in the database, and a spreadsheet of customers
    should not sit on the server for ever. (A failed one keeps it until it is resumed and finishes.)"""
    if job.file:
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")
