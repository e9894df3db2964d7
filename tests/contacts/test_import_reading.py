"""The upload request never reads the file: a worker reads a bounded sample for the mapping page (issue 12 #4),
and a file wider than the column cap is refused there, so the mapping form always fits Django's field limit
(issue 12 #20)."""
import io
import json

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from contacts.importing import columns, readers, sniff
from contacts.models import ImportJob
from contacts.tasks import contacts_sniff_task

pytestmark = pytest.mark.django_db


def wide_csv(width, rows=2):
    header = ",".join(["phone", "name"] + [f"field {i}" for i in range(width - 2)])
    lines = [header] + [",".join([f"0812000000{r:02d}", f"Budi {r}"] + ["x"] * (width - 2)) for r in range(rows)]
    return SimpleUploadedFile("wide.csv", "\n".join(lines).encode())


def test_the_upload_request_reads_no_row_of_the_file(owner_api, owner_client, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("the upload request read the file")

    for target in (sniff, "detect"), (readers, "rows"), (openpyxl, "load_workbook"):
        monkeypatch.setattr(*target, never)
    body = b"name,phone\nBudi,081234567890\n"
    with TestCase.captureOnCommitCallbacks(execute=False) as queued:
        r = owner_api.post("/api/contacts/upload", {"file": SimpleUploadedFile("a.csv", body)}, format="multipart")
        page = owner_client.post("/contacts/import/", {"file": SimpleUploadedFile("b.csv", body)})
    assert r.status_code == 202 and r.json()["status"] == "reading" and r.json()["headers"] == []
    assert page.status_code == 302
    assert len(queued) == 2  # one sniff job each, queued after commit
    monkeypatch.undo()
    with TestCase.captureOnCommitCallbacks(execute=True):
        for callback in queued:
            callback()
    api_job, page_job = ImportJob.objects.get(public_id=r.json()["id"]), ImportJob.objects.exclude(
        public_id=r.json()["id"]).get()
    assert api_job.status == ImportJob.Status.DONE and api_job.created_count == 1  # start=true by default
    assert page_job.status == ImportJob.Status.MAPPING and page_job.headers == ["name", "phone"]


def test_the_sample_is_bounded_in_rows_read_and_in_what_is_kept(owner_api, monkeypatch):
    huge = "h" * 5_000
    lines = [f"phone,name,{huge}"] + [f"08120000{i:04d},Budi,{'y' * 100_000}" for i in range(50)]
    consumed = {"rows": 0}
    real_rows = readers.rows

    def counting(*args, **kwargs):
        for row in real_rows(*args, **kwargs):
            consumed["rows"] += 1
            yield row

    monkeypatch.setattr(readers, "rows", counting)
    with TestCase.captureOnCommitCallbacks(execute=True):
        r = owner_api.post("/api/contacts/upload", {"file": SimpleUploadedFile("big.csv", "\n".join(lines).encode()),
                                                    "start": "false"}, format="multipart")
    job = ImportJob.objects.get(public_id=r.json()["id"])
    assert job.status == ImportJob.Status.MAPPING
    # About SAMPLE_CHARS of text, not 21 rows of 100 KB: the sample stops once it has read that much.
    assert consumed["rows"] <= 1 + sniff.SAMPLE_CHARS // 100_000 + 1  # the header, then rows up to the budget
    assert job.headers[:2] == ["phone", "name"] and job.headers[2] == "h" * sniff.CELL_CHARS
    assert all(len(cell) <= sniff.CELL_CHARS for row in job.preview for cell in row)
    assert len(json.dumps(job.headers)) + len(json.dumps(job.preview)) < 5_000


def test_a_mapping_that_does_not_fit_the_file_waits_with_the_reason(owner_api):
    body = b"name,phone\nBudi,081234567890\n"
    with TestCase.captureOnCommitCallbacks(execute=True):
        r = owner_api.post("/api/contacts/upload", {"file": SimpleUploadedFile("a.csv", body),
                                                    "mapping": json.dumps(["phone"])}, format="multipart")
    job = owner_api.get(f"/api/contacts/imports/{r.json()['id']}").json()
    assert job["status"] == "mapping" and "one entry per column (2 columns)" in job["error"]


def test_reading_twice_never_takes_a_started_import_back(owner_api):
    with TestCase.captureOnCommitCallbacks(execute=True):
        r = owner_api.post("/api/contacts/upload", {"file": SimpleUploadedFile("a.csv", b"phone\n081234567890\n")},
                           format="multipart")
    job = ImportJob.objects.get(public_id=r.json()["id"])
    assert job.status == ImportJob.Status.DONE
    contacts_sniff_task(job.pk)  # a redelivered sniff
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.created_count == 1


def test_a_file_wider_than_the_column_cap_is_refused_with_the_cap(owner_api, settings):
    settings.IMPORT_MAX_COLUMNS = 200
    with TestCase.captureOnCommitCallbacks(execute=True):
        r = owner_api.post("/api/contacts/upload", {"file": wide_csv(201)}, format="multipart")
    job = owner_api.get(f"/api/contacts/imports/{r.json()['id']}").json()
    assert job["status"] == "failed" and "more than 200 columns" in job["error"], job
    book = openpyxl.Workbook()
    book.active.append(["phone"] + [f"f{i}" for i in range(250)])
    book.active.append(["081234567890"] + ["x"] * 250)
    buffer = io.BytesIO()
    book.save(buffer)
    with TestCase.captureOnCommitCallbacks(execute=True):
        r = owner_api.post("/api/contacts/upload", {"file": SimpleUploadedFile("wide.xlsx", buffer.getvalue())},
                           format="multipart")
    assert "more than 200 columns" in owner_api.get(f"/api/contacts/imports/{r.json()['id']}").json()["error"]


def test_trailing_empty_cells_are_no_columns(owner_api, settings):
    settings.IMPORT_MAX_COLUMNS = 5
    body = b"name,phone" + b"," * 300 + b"\nBudi,081234567890" + b"," * 300 + b"\n"
    with TestCase.captureOnCommitCallbacks(execute=True):
        r = owner_api.post("/api/contacts/upload", {"file": SimpleUploadedFile("a.csv", body)}, format="multipart")
    job = owner_api.get(f"/api/contacts/imports/{r.json()['id']}").json()
    assert job["status"] == "done" and job["headers"] == ["name", "phone"], job


def test_the_mapping_form_of_the_widest_accepted_file_fits_the_field_limit(owner_client, settings):
    """One form field per column: the cap follows DATA_UPLOAD_MAX_NUMBER_FIELDS, so a file the cap lets in
    always has a mapping form Django accepts, and a wider one is refused before anyone fills it in."""
    settings.IMPORT_MAX_COLUMNS, settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 200, 100
    cap = columns.max_columns()
    assert cap < 100

    with TestCase.captureOnCommitCallbacks(execute=True):
        r = owner_client.post("/contacts/import/", {"file": wide_csv(150)})
    html = owner_client.get(r["Location"]).content.decode()
    assert f"more than {cap} columns" in html and "Import as" not in html

    with TestCase.captureOnCommitCallbacks(execute=True):
        r = owner_client.post("/contacts/import/", {"file": wide_csv(cap)})
    html = owner_client.get(r["Location"]).content.decode()
    assert html.count('<select name="col') == cap
    form = {f"col{i}": "skip" for i in range(cap)} | {"col0": "phone", "col1": "name", "tags": "", "source": "",
                                                      "csrfmiddlewaretoken": "x" * 64}
    with TestCase.captureOnCommitCallbacks(execute=True):
        posted = owner_client.post(r["Location"], form)
    assert posted.status_code == 302, posted.content.decode()[:300]
    job = ImportJob.objects.get(status=ImportJob.Status.DONE)
    assert job.created_count == 2 and len(job.headers) == cap
