"""Celery tasks of the contacts app: ids in, re-fetch, return quietly if gone, safe to run twice.

Imports run on their own "imports" queue (config/celery.py) with a time limit, so a huge or hostile file
can never hold a worker that sending or webhooks need; a stopped import keeps every committed chunk and is
resumed from its last row.
"""
from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .grab import grab_run
from .importing.jobs import import_sniff, imports_requeue
from .importing.runner import import_run
from .models import ImportJob

LIMIT = settings.IMPORT_TIME_LIMIT_SECONDS


@shared_task(acks_late=True, soft_time_limit=LIMIT, time_limit=LIMIT + 30)
def contacts_sniff_task(job_id):
    """Read an uploaded file's first rows for the mapping page: the upload request itself never parses it."""
    job = ImportJob.objects.select_related("workspace").filter(pk=job_id, kind=ImportJob.Kind.FILE).first()
    if job is None:
        return
    try:
        import_sniff(job=job)
    except SoftTimeLimitExceeded:
        ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.READING).update(
            status=ImportJob.Status.FAILED, finished_at=timezone.now(),
            error=_("Reading this file took longer than %(minutes)s minutes. Save it again as CSV, or split it, "
                    "and upload it again.") % {"minutes": LIMIT // 60})


@shared_task(acks_late=True, soft_time_limit=LIMIT, time_limit=LIMIT + 30)
def contacts_import_task(job_id):
    job = ImportJob.objects.select_related("workspace").filter(pk=job_id, kind=ImportJob.Kind.FILE).first()
    if job is None:
        return
    try:
        import_run(job)
    except SoftTimeLimitExceeded:
        ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.RUNNING).update(
            status=ImportJob.Status.FAILED, finished_at=timezone.now(),
            error=_("The import took longer than %(minutes)s minutes and was stopped. The rows so far are saved: "
                    "press Resume to go on, or split the file.") % {"minutes": LIMIT // 60})


@shared_task(acks_late=True, soft_time_limit=LIMIT, time_limit=LIMIT + 30)
def contacts_grab_task(job_id):
    job = ImportJob.objects.select_related("workspace").filter(pk=job_id, kind=ImportJob.Kind.GROUP).first()
    if job is None:
        return
    grab_run(job)


@shared_task(ignore_result=True)
def imports_requeue_task():
    return imports_requeue()
