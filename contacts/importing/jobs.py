"""Services for import jobs: upload a file, read its first rows, start it with a mapping, resume it.

`import_create` only stores the file (status "reading") and queues `contacts_sniff_task`: the upload
request never parses the file, however it is built. In the worker, `import_sniff` tells the format, reads a
bounded sample and guesses the mapping (status "mapping"); `import_start` checks the mapping and queues
`contacts_import_task` after commit. The page and the API both call these. A job whose task was lost (the
broker was down after the commit, Redis was flushed) is queued again by `imports_requeue`.
"""
import os
from datetime import timedelta

from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from config import queue

from ..errors import ImportFileError
from ..models import ImportJob
from ..services import clean_tag_names
from . import columns, sniff

# contacts.tasks imports this module, so its tasks are queued by their dotted paths (config.queue imports them).
SNIFF_TASK = "contacts.tasks.contacts_sniff_task"
IMPORT_TASK = "contacts.tasks.contacts_import_task"
GRAB_TASK = "contacts.tasks.contacts_grab_task"

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
# What an upload request may carry beside its file: the multipart envelope and the form's few other fields.
UPLOAD_ENVELOPE_BYTES = 64 * 1024
PREVIEW_ROWS = 5
SOURCES = ["Excel", "CSV", "Manual", "API", "Group Grab", "Inbound"]


def _source(value, default):
    return " ".join(str(value or "").split())[:40] or default


def _too_large():
    return ImportFileError(_("The file is larger than %(limit)s, the most an import takes. Split it into smaller "
                             "files.") % {"limit": filesizeformat(MAX_UPLOAD_BYTES)},
                           status_code=413, fields={"file": _("Too large.")})


def upload_length_check(content_length):
    """Refuse an upload by its declared length, before anything reads the body.

    Django reads and spools the whole body at the first touch of request.POST or request.FILES (the CSRF
    check is one), and the file's size is known only after that; Content-Length is known before. The body
    is never read past that length, and without one Django reads no body at all, so this is the whole cap.
    """
    try:
        length = int(content_length or 0)
    except ValueError:
        length = 0
    if length > MAX_UPLOAD_BYTES + UPLOAD_ENVELOPE_BYTES:
        raise _too_large()


def import_create(*, workspace, user, upload, tags=(), source="", mapping=None, start=False):
    """Store the upload as a job to be read in the worker; with `start`, it is imported as soon as it is read,
    with `mapping` (per column, or {header: target}) or else the guessed one."""
    if upload is None:
        raise ImportFileError(_("Choose a file to import."), fields={"file": _("Required.")})
    if upload.size > MAX_UPLOAD_BYTES:
        raise _too_large()
    queue.require()  # refused while the queue is down, before the file is stored: nothing is left behind
    name = os.path.basename(upload.name or "contacts.csv")
    job = ImportJob(workspace=workspace, created_by=user, original_name=name[:255], tags=clean_tag_names(tags),
                    status=ImportJob.Status.READING, mapping=mapping or [], start_when_read=start,
                    source=_source(source, ""), queued_at=timezone.now())
    job.file.save(name, upload, save=False)
    job.save()
    queue.enqueue_on_commit(SNIFF_TASK, job.pk)
    return job


def import_sniff(*, job):
    """Read a stored upload's first rows (in the worker): its format, headers, examples and guessed mapping.

    Safe to run twice: only a job still "reading" is written, by a conditional UPDATE, so a second run can
    never put a started job back to "mapping". A file that cannot be read fails the job with the reason,
    and is deleted: there is nothing to resume."""
    if job.status != ImportJob.Status.READING:
        return job
    try:
        info = sniff.detect(job.file.path)
        sample = sniff.sample(job.file.path, info)
        has_header, headers, guessed = columns.guess(sample, job.workspace.default_region or "ID")
    except ImportFileError as exc:
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.READING).update(
            status=ImportJob.Status.FAILED, error=exc.message, file="", finished_at=timezone.now())
        job.refresh_from_db()
        return job
    requested = job.mapping
    preview = [r + [""] * (len(headers) - len(r)) for r in
               [r for r in sample[1 if has_header else 0:] if any(r)][:PREVIEW_ROWS]]
    read = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.READING).update(
        status=ImportJob.Status.MAPPING, file_format=info.file_format, encoding=info.encoding,
        delimiter=info.delimiter, has_header=has_header, headers=headers, preview=preview,
        mapping=columns.from_headers(requested, headers) if requested else guessed,
        source=job.source or ("CSV" if info.file_format == "csv" else "Excel"))
    job.refresh_from_db()
    if read and job.start_when_read:
        try:
            _start(job)  # in the worker: the upload already checked the queue
        except ImportFileError as exc:  # the client's mapping does not fit the file: it waits, saying why
            ImportJob.objects.filter(pk=job.pk).update(error=exc.message)
            job.refresh_from_db()
    return job


def import_start(*, job, mapping=None, tags=None, source=None):
    """A person starts the import: refused while the queue is down (the job keeps waiting for its mapping)."""
    if job.status == ImportJob.Status.MAPPING:
        queue.require()
    return _start(job, mapping=mapping, tags=tags, source=source)


def _start(job, *, mapping=None, tags=None, source=None):
    """Fix the mapping and queue the import (after commit, so the worker sees the job)."""
    if job.status == ImportJob.Status.READING:
        raise ImportFileError(_("The file is still being read. Choose the columns when its first rows are "
                                "shown."), code="import_reading", status_code=409)
    if job.status != ImportJob.Status.MAPPING:
        raise ImportFileError(_("This import has already started."), code="import_started", status_code=409)
    job.mapping = columns.validate(columns.from_headers(mapping if mapping is not None else job.mapping,
                                                        job.headers), len(job.headers))
    if tags is not None:
        job.tags = clean_tag_names(tags)
    if source is not None:
        job.source = _source(source, job.source)
    job.status, job.error, job.queued_at = ImportJob.Status.QUEUED, "", timezone.now()
    job.save()
    queue.enqueue_on_commit(IMPORT_TASK, job.pk)
    return job


def import_resume(*, job):
    """Queue a failed import again; it continues after the last committed row."""
    if job.status != ImportJob.Status.FAILED:
        raise ImportFileError(_("Only a failed import can be resumed."), code="import_not_failed", status_code=409)
    if job.read_failed:
        raise ImportFileError(_("This file could not be read, so there is nothing to resume. Fix the file and "
                                "upload it again."), status_code=409)
    queue.require()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.QUEUED, error="", finished_at=None,
                                               queued_at=timezone.now())
    queue.enqueue_on_commit(_task_of(job), job.pk)
    job.refresh_from_db()
    return job


def _task_of(job):
    if job.status == ImportJob.Status.READING:
        return SNIFF_TASK
    return GRAB_TASK if job.kind == ImportJob.Kind.GROUP else IMPORT_TASK


# Longer than a job waits in a busy "imports" queue, usually: a job still READING or QUEUED after this lost its
# task. If it was only waiting, the second task is harmless: reading writes only a job still "reading", a run
# starts only from QUEUED or RUNNING, a finished job is left alone and a file import running twice stops the
# one behind (runner.Superseded).
REQUEUE_AFTER = timedelta(minutes=10)
REQUEUE_BATCH = 200


def imports_requeue(*, now=None):
    """Queue again the uploads left READING and the imports and grabs left QUEUED for REQUEUE_AFTER (beat);
    returns how many were queued.

    Each one's queued_at moves on, so a job stuck behind a long import gets one more task per REQUEUE_AFTER,
    not one per sweep."""
    now = now or timezone.now()
    before = now - REQUEUE_AFTER
    # A job queued before queued_at existed counts from its upload.
    waited = Q(queued_at__lt=before) | Q(queued_at__isnull=True, created_at__lt=before)
    waiting = [ImportJob.Status.READING, ImportJob.Status.QUEUED]
    stale = list(ImportJob.objects.filter(waited, status__in=waiting).order_by("pk")[:REQUEUE_BATCH])
    queued = 0
    for job in stale:
        if not queue.enqueue(_task_of(job), job.pk):
            break  # still no broker: the next sweep tries again
        ImportJob.objects.filter(pk=job.pk, status=job.status).update(queued_at=now)
        queued += 1
    return queued


def import_delete(*, job):
    if job.file:
        job.file.delete(save=False)
    job.delete()
