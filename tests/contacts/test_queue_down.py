"""Imports while the broker (Redis) is down, and the sweep of imports whose task was lost (issue 12 #9).

An import used to be saved and answer 500, and stayed "Reading" or "Queued" for ever. Now an upload or a
start is refused with a 503 (the job keeps waiting for its mapping, an upload leaves no file behind), and a
READING or QUEUED job whose task was lost is run by the beat's sweep."""
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone

from config import queue
from contacts.importing import jobs
from contacts.models import Contact, ImportJob
from tests.outage import broker_down_fixture

__all__ = ["broker_down_fixture"]
pytestmark = pytest.mark.django_db
CSV = (Path(__file__).parent / "fixtures" / "bom_utf8.csv").read_bytes()


def _upload(api, **data):
    return api.post("/api/contacts/upload", {"file": SimpleUploadedFile("c.csv", CSV), **data}, format="multipart")


def test_an_upload_that_starts_while_the_queue_is_down_is_a_503_and_keeps_nothing(owner_api, settings,
                                                                                 broker_down):
    response = _upload(owner_api)
    assert response.status_code == 503 and response.json()["error"] == "queue_unavailable"
    assert not ImportJob.objects.exists()
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.csv"))


def test_starting_a_mapped_import_while_the_queue_is_down_leaves_it_waiting(owner_api, broker_down):
    broker_down.end()
    with TestCase.captureOnCommitCallbacks(execute=True):  # the file is read, then waits for its mapping
        job_id = _upload(owner_api, start="false").json()["id"]
    broker_down.start()
    response = owner_api.post(f"/api/contacts/imports/{job_id}", {"mapping": ["name", "phone", "skip", "skip"]},
                              format="json")
    assert response.status_code == 503 and "nothing was saved" in response.json()["message"]
    assert ImportJob.objects.get().status == ImportJob.Status.MAPPING  # start it again when the queue is back


def test_an_import_whose_task_was_lost_is_run_by_the_sweep(owner_api, workspace, broker_down, monkeypatch):
    monkeypatch.setattr(queue, "require", lambda: None)  # the broker went away between the check and the commit
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = _upload(owner_api)
    assert response.status_code == 202, response.content
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.READING and job.queued_at is not None  # its reading task was lost
    broker_down.end()
    assert jobs.imports_requeue() == 0  # too young: its task may still be waiting in the queue
    later = timezone.now() + jobs.REQUEUE_AFTER + timedelta(seconds=1)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert jobs.imports_requeue(now=later) == 1  # read, then started (the upload asked for it), then run
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and Contact.objects.for_workspace(workspace).count() == 2
    assert jobs.imports_requeue(now=later) == 0


def test_a_job_queued_before_queued_at_existed_counts_from_its_upload(workspace, owner):
    job = ImportJob.objects.create(workspace=workspace, created_by=owner, kind=ImportJob.Kind.GROUP,
                                   headers=["gone-session", "1@g.us"], status=ImportJob.Status.QUEUED)
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert jobs.imports_requeue() == 1  # the grab ran: its device is gone, so it failed with the reason
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and "device was removed" in job.error
