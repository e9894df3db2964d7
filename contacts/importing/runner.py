"""Run a file import: stream rows, parse, de-duplicate, merge in chunks, record progress and rejects.

Crash-safe by construction: each chunk's contacts, tags, rejects and the job's counters and `last_row`
commit in ONE transaction, and the job row is locked and checked (`last_row` must be where this run
expects it) before writing. A re-run (Celery redelivers a task whose worker died; the page offers
"Resume" on a failed job) skips committed rows, re-reading them only to rebuild the set of phones seen,
so duplicates are counted exactly as in an uninterrupted run and nothing is written twice.

Memory is bounded by the chunk plus that set of seen phones (one int per unique phone, ~60 MB at 1M).
"""
import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import limits

from ..errors import ImportFileError, InvalidPhone
from ..models import ImportJob, ImportReject
from ..phones import normalize
from ..services import clean_tag_names
from . import columns, readers
from .merge import Budget, Record, TagCache, merge_records
from .sniff import FileInfo

logger = logging.getLogger(__name__)
CHUNK_ROWS = 2000


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


class RowParser:
    """Turns cells into a Record or a reject reason, per the job's mapping."""

    def __init__(self, job):
        self.region = job.workspace.default_region or "ID"
        self.phone_col = job.mapping.index(columns.PHONE)
        self.name_col = job.mapping.index(columns.NAME) if columns.NAME in job.mapping else None
        self.tag_cols = [i for i, t in enumerate(job.mapping) if t == columns.TAGS]
        self.fields = [(i, t[len(columns.FIELD):]) for i, t in enumerate(job.mapping) if t.startswith(columns.FIELD)]

    @staticmethod
    def _cell(cells, index):
        return cells[index] if index is not None and index < len(cells) else ""

    def phone(self, cells):
        raw = self._cell(cells, self.phone_col)
        if not raw:
            raise InvalidPhone(_("No phone number in this row."))
        return normalize(raw, self.region)

    def record(self, row, cells, phone):
        tags = []
        for i in self.tag_cols:
            tags.extend(clean_tag_names(self._cell(cells, i).replace(";", ",")))
        custom = {key: self._cell(cells, i)[:500] for i, key in self.fields if self._cell(cells, i)}
        return Record(row=row, phone=phone, name=" ".join(self._cell(cells, self.name_col).split())[:200],
                      tags=tags, custom=custom)


def _commit_chunk(job, parser, chunk, state):
    """Parse and write one chunk; returns nothing, raises Superseded if another run got ahead."""
    records, rejects, duplicates = [], [], 0
    for row, cells in chunk:
        if not any(cells):
            continue  # empty lines are not rows anyone wrote
        try:
            phone = parser.phone(cells)
        except InvalidPhone as exc:
            raw = parser._cell(cells, parser.phone_col)
            rejects.append(ImportReject(job_id=job.pk, row_number=row, value=raw[:200], reason=exc.message[:300]))
            continue
        key = int(phone)
        if key in state["seen"]:
            duplicates += 1
            continue
        state["seen"].add(key)
        records.append(parser.record(row, cells, phone))
    last_row = chunk[-1][0]
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().filter(pk=job.pk).values_list("last_row", flat=True).first()
        if locked != state["last_row"]:
            raise Superseded()
        outcome = merge_records(workspace=job.workspace, records=records, tags=job.tags, source=job.source,
                                budget=state["budget"], tag_cache=state["tags"])
        limit_reason = _("Left out: your plan's contact limit is reached. Upgrade or remove contacts, then "
                         "import this row again.")
        rejects.extend(ImportReject(job_id=job.pk, row_number=r.row, value=r.phone, reason=limit_reason)
                       for r in outcome.over_limit)
        ImportReject.objects.bulk_create(rejects, batch_size=1000)
        ImportJob.objects.filter(pk=job.pk).update(
            last_row=last_row, created_count=F("created_count") + outcome.created,
            updated_count=F("updated_count") + outcome.updated,
            duplicate_count=F("duplicate_count") + duplicates,
            rejected_count=F("rejected_count") + len(rejects) - len(outcome.over_limit),
            over_limit_count=F("over_limit_count") + len(outcome.over_limit))
    state["last_row"] = last_row


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
        parser = RowParser(job)
        # Usage counts this job's earlier chunks, so a resumed run's budget is still right.
        state = {"seen": set(), "last_row": job.last_row, "tags": TagCache(job.workspace),
                 "budget": Budget(limits.remaining(job.workspace, "contacts"))}
        chunk = []
        for row, cells in data_rows(job):
            if row <= job.last_row:
                try:
                    state["seen"].add(int(parser.phone(cells)))
                except InvalidPhone:
                    pass
                continue
            chunk.append((row, cells))
            if len(chunk) >= CHUNK_ROWS:
                _commit_chunk(job, parser, chunk, state)
                chunk = []
        if chunk:
            _commit_chunk(job, parser, chunk, state)
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
    return job
