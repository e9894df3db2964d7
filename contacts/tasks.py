"""Celery tasks of the contacts app: ids in, re-fetch, return quietly if gone, safe to run twice."""
from celery import shared_task

from .models import ImportJob


@shared_task(acks_late=True)
def contacts_import_task(job_id):
    from .importing.runner import import_run

    job = ImportJob.objects.select_related("workspace").filter(pk=job_id, kind=ImportJob.Kind.FILE).first()
    if job is None:
        return
    import_run(job)


@shared_task(acks_late=True)
def contacts_grab_task(job_id):
    from .grab import grab_run

    job = ImportJob.objects.select_related("workspace").filter(pk=job_id, kind=ImportJob.Kind.GROUP).first()
    if job is None:
        return
    grab_run(job)
