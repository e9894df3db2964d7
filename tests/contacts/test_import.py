"""File import through POST /api/contacts/upload: messy files, mapping, merge rules, limit, crash, rejects."""
import csv
import io
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from contacts.importing import jobs, runner
from contacts.models import Contact, ContactTag, ImportJob

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"


def upload(api, name, content=None, **data):
    """POST the file, let the on-commit task run (eager), then answer with the job as GET shows it."""
    content = content if content is not None else (FIXTURES / name).read_bytes()
    with TestCase.captureOnCommitCallbacks(execute=True):  # the task is queued on commit
        response = api.post("/api/contacts/upload", {"file": SimpleUploadedFile(name, content), **data},
                            format="multipart")
    if response.status_code in (201, 202):
        after = api.get(f"/api/contacts/imports/{response.json()['id']}")
        after.status_code = response.status_code
        return after
    return response


def contacts(workspace):
    return {c.phone: c for c in Contact.objects.for_workspace(workspace)}


def tag_names(contact):
    return sorted(contact.tags.values_list("name", flat=True))


def test_utf8_bom_with_indonesian_headers_and_tags_column(owner_api, workspace):
    r = upload(owner_api, "bom_utf8.csv", tags="Expo 2026", source="Pameran")
    assert r.status_code == 202, r.json()
    assert r.json()["status"] == "done"
    assert r.json()["report"]["created"] == 2
    assert r.json()["mapping"] == ["name", "phone", "field:kota", "tags"]
    got = contacts(workspace)
    budi = got["6281234567890"]
    assert budi.name == "Budi Santoso" and budi.custom_fields == {"kota": "Bandung"} and budi.source == "Pameran"
    assert tag_names(budi) == ["Expo 2026", "VIP"]
    assert tag_names(got["6281311112222"]) == ["Expo 2026", "Lead", "VIP"]


def test_cp1252_semicolon_file(owner_api, workspace):
    r = upload(owner_api, "cp1252_semicolon.csv")
    assert r.json()["report"]["created"] == 2, r.json()
    got = contacts(workspace)
    assert got["6281234567891"].name == "José Pereira"
    assert got["6281322223333"].name == "Françoise"
    assert got["6281322223333"].source == "CSV"


def test_tab_delimited_english_with_foreign_number(owner_api, workspace):
    r = upload(owner_api, "tab_english.tsv")
    assert r.json()["report"]["created"] == 2
    got = contacts(workspace)
    assert got["6281234567892"].custom_fields == {"company": "PT Maju"}
    assert got["6591234567"].name == "Rina"


def test_quoted_newlines_stay_in_their_cell(owner_api, workspace):
    upload(owner_api, "quoted_newline.csv")
    got = contacts(workspace)
    assert got["6281234567893"].custom_fields["address"] == "Jl. Merdeka 1\nBandung"
    assert got["6281234567894"].custom_fields["address"] == "Jl. Sudirman\n\nJakarta"


def test_garbage_rows_are_rejected_with_row_and_reason(owner_api, workspace):
    r = upload(owner_api, "garbage_rows.csv")
    report = r.json()["report"]
    assert report["created"] == 2 and report["rejected"] == 5, report
    assert set(contacts(workspace)) == {"6281234567895", "6281234567896"}
    rejects = owner_api.get(r.json()["rejects_url"])
    rows = list(csv.reader(io.StringIO(b"".join(rejects.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["row", "value", "reason", "code"]
    by_row = {int(row[0]): row[2] for row in rows[1:]}
    assert sorted(by_row) == [5, 6, 7, 8, 10]  # spreadsheet rows: header is row 1, empty lines skipped
    assert "letters" in by_row[5] and "landline" in by_row[6] and "Excel shortened" in by_row[7]
    assert "No phone" in by_row[8] and "too short" in by_row[10]


def test_a_foreign_number_with_its_country_code_imports_and_rejects_read_as_typed(owner_api, workspace):
    """Issue 20 #9: `+44 7700 900123` has a country code, so it imports; a rejected `+44 ...` is written back
    as typed (no apostrophe: it cannot run as a formula), and its reason does not begin with a formula start."""
    body = b"name,phone\nTom,+44 7700 900123\nShort,+44 7700 9001\nBad,=HYPERLINK(1)\n"
    r = upload(owner_api, "uk.csv", content=body)
    assert r.json()["report"]["created"] == 1, r.json()
    assert "447700900123" in contacts(workspace)
    rejects = owner_api.get(r.json()["rejects_url"])
    rows = list(csv.reader(io.StringIO(b"".join(rejects.streaming_content).decode("utf-8-sig"))))
    assert rows[1][:2] == ["3", "+44 7700 9001"]
    assert rows[1][2] == "“+44 7700 9001” has the wrong number of digits for a +44 mobile number."
    assert rows[2][1] == "'=HYPERLINK(1)"  # a real formula is still made text


def test_headerless_file_finds_the_phone_column(owner_api, workspace):
    r = upload(owner_api, "headerless.csv")
    assert r.json()["report"]["created"] == 2
    assert contacts(workspace)["6281234567897"].custom_fields == {"column_2": "Gita"}


@pytest.mark.parametrize("name", ["not_a_spreadsheet.png", "binary_junk.csv"])
def test_not_a_spreadsheet_is_a_clear_error(owner_api, workspace, name):
    r = upload(owner_api, name)
    assert r.status_code == 202 and r.json()["status"] == "failed"  # read in the worker, not in the request
    assert "not a spreadsheet" in r.json()["error"]
    assert not ImportJob.objects.get().file  # nothing to resume: the file is gone
    resume = owner_api.post(f"/api/contacts/imports/{r.json()['id']}", {}, format="json")
    assert resume.status_code == 409 and "upload it again" in resume.json()["message"]


def test_empty_file_and_missing_file(owner_api):
    assert "empty" in upload(owner_api, "empty.csv", content=b"\r\n \n").json()["error"]
    r = owner_api.post("/api/contacts/upload", {}, format="multipart")
    assert r.status_code == 400 and r.json()["fields"] == {"file": "Required."}


@pytest.fixture
def excel_file():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Nama", "Nomor WhatsApp", "Kota", "Member since"])
    sheet.append(["Numeric", 6281234567801, "Medan", None])   # a number cell, as Excel stores it
    sheet.append(["Float", 6281234567802.0, "Medan", None])
    sheet.append(["Leading zero text", "081234567803", "Solo", None])
    sheet.append(["Lost zero", 81234567804, "Solo", None])
    sheet.append([None, None, None, None])
    sheet.append(["Bad", "n/a", "Solo", None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_numbers_and_leading_zero_text(owner_api, workspace, excel_file):
    r = upload(owner_api, "pelanggan.xlsx", content=excel_file)
    assert r.json()["status"] == "done", r.json()
    report = r.json()["report"]
    assert report["created"] == 4 and report["rejected"] == 1
    assert set(contacts(workspace)) == {"6281234567801", "6281234567802", "6281234567803", "6281234567804"}
    assert contacts(workspace)["6281234567803"].source == "Excel"


def test_xls_from_old_excel_numbers_text_and_dates(owner_api, workspace):
    # excel97.xls: BIFF8 written once with xlwt (not a dependency): text, number and date cells, an empty row.
    r = upload(owner_api, "excel97.xls")
    assert r.json()["status"] == "done", r.json()
    report = r.json()["report"]
    assert report["created"] == 3 and report["rejected"] == 1, report
    got = contacts(workspace)
    assert set(got) == {"6281234567811", "6281234567812", "6281234567813"}
    assert got["6281234567811"].name == "José Teks" and got["6281234567811"].source == "Excel"
    assert got["6281234567811"].custom_fields == {"kota": "Medan", "tanggal_daftar": "2024-05-17"}


def test_mapping_step_then_start_with_corrections(owner_api, workspace):
    r = upload(owner_api, "bom_utf8.csv", start="false")
    assert r.status_code == 202 and r.json()["status"] == "mapping"
    assert r.json()["headers"] == ["Nama", "No HP", "Kota", "Tags"]
    job_url = f"/api/contacts/imports/{r.json()['id']}"
    with TestCase.captureOnCommitCallbacks(execute=True):
        bad = owner_api.post(job_url, {"mapping": ["name", "name", "skip", "skip"]}, format="json")
    assert bad.status_code == 400 and "phone" in bad.json()["message"]
    with TestCase.captureOnCommitCallbacks(execute=True):
        r = owner_api.post(job_url, {"mapping": {"No HP": "phone", "Kota": "field:city"}, "tags": ["Walk-in"]},
                           format="json")
    assert r.status_code == 202 and owner_api.get(job_url).json()["status"] == "done", r.json()
    budi = contacts(workspace)["6281234567890"]
    assert budi.name == "" and budi.custom_fields == {"city": "Bandung"} and tag_names(budi) == ["Walk-in"]
    again = owner_api.post(job_url, {"mapping": ["phone", "name", "skip", "skip"]}, format="json")
    assert again.status_code == 409


def test_merge_rules_and_duplicates_inside_the_file(owner_api, workspace, make_contact):
    make_contact("6281234567890", "Budi Lama", tags=["Old"], custom_fields={"kota": ""})
    make_contact("6281311112222", "", custom_fields={"kota": "Depok"})
    body = (b"nama,hp,kota\n"
            b"Budi Baru,081234567890,Bandung\n"
            b"Siti,081311112222,Jakarta\n"
            b"Siti Lagi,+6281311112222,Bogor\n"
            b"New,081200000001,Solo\n")
    r = upload(owner_api, "merge.csv", content=body, tags="Batch")
    report = r.json()["report"]
    assert report == {"created": 1, "updated": 2, "skipped_duplicate": 1, "rejected": 0,
                      "left_out_plan_limit": 0, "hidden_by_whatsapp": 0}
    got = contacts(workspace)
    assert got["6281234567890"].name == "Budi Lama"  # kept
    assert got["6281234567890"].custom_fields == {"kota": "Bandung"}  # empty field filled
    assert tag_names(got["6281234567890"]) == ["Batch", "Old"]  # tags added
    assert got["6281311112222"].name == "Siti" and got["6281311112222"].custom_fields == {"kota": "Depok"}
    assert got["6281234567890"].source == "Manual"


def test_thousand_duplicates(owner_api, workspace):
    lines = ["name,phone"] + [f"Dup {i},0812-0000-{i % 10:04d}" for i in range(1000)]
    r = upload(owner_api, "dups.csv", content="\n".join(lines).encode())
    report = r.json()["report"]
    assert report["created"] == 10 and report["skipped_duplicate"] == 990
    assert Contact.objects.for_workspace(workspace).count() == 10


def test_plan_limit_imports_up_to_the_limit_and_says_how_many_were_left(owner_api, workspace, make_contact,
                                                                         contact_limit):
    contact_limit(3)
    make_contact("6281234567890", "Existing")
    lines = ["phone"] + ["081234567890"] + [f"08120000{i:04d}" for i in range(5)]
    r = upload(owner_api, "limit.csv", content="\n".join(lines).encode())
    report = r.json()["report"]
    assert report["created"] == 2 and report["updated"] == 1 and report["left_out_plan_limit"] == 3
    assert Contact.objects.for_workspace(workspace).count() == 3
    job = ImportJob.objects.get()
    assert job.rejects.filter(code="over_limit").count() == 3


def test_contacts_added_while_an_import_runs_count_against_its_limit(owner_api, workspace, make_contact,
                                                                     contact_limit, monkeypatch):
    """The room is counted per chunk: a contact added between two chunks takes a seat the import then lacks."""
    contact_limit(4)
    monkeypatch.setattr(runner, "CHUNK_ROWS", 2)
    commit = runner._commit_chunk

    def commit_then_someone_adds(job, chunk, state):
        commit(job, chunk, state)
        if chunk.last_row == 3:  # after the first chunk (rows 2-3), a customer writes in
            make_contact("6289999999999", "Walk-in")

    monkeypatch.setattr(runner, "_commit_chunk", commit_then_someone_adds)
    lines = ["phone"] + [f"08120000{i:04d}" for i in range(4)]
    report = upload(owner_api, "race.csv", content="\n".join(lines).encode()).json()["report"]
    assert report["created"] == 3 and report["left_out_plan_limit"] == 1
    assert Contact.objects.for_workspace(workspace).count() == 4


def test_rerun_after_a_crash_finishes_without_duplicates(workspace, owner, monkeypatch,
                                                         django_capture_on_commit_callbacks):
    monkeypatch.setattr(runner, "CHUNK_ROWS", 10)
    lines = ["name,phone"] + [f"P{i},0812{i % 37:08d}" for i in range(95)] + ["Bad,abc"]
    upload_file = SimpleUploadedFile("crash.csv", "\n".join(lines).encode())
    job = jobs.import_sniff(job=jobs.import_create(workspace=workspace, user=owner, upload=upload_file,
                                                   tags=["Crash"]))
    job.mapping = ["name", "phone"]
    job.status = ImportJob.Status.QUEUED
    job.save()

    real_merge = runner.merge_records
    calls = {"n": 0}

    def crashing_merge(**kwargs):
        calls["n"] += 1
        if calls["n"] == 5:
            raise RuntimeError("worker killed")
        return real_merge(**kwargs)

    monkeypatch.setattr(runner, "merge_records", crashing_merge)
    with pytest.raises(RuntimeError):
        runner.import_run(job)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and job.last_row == 41  # 4 chunks of 10 rows, header is row 1
    assert "Resume" in job.error
    committed = Contact.objects.for_workspace(workspace).count()
    assert committed == 37  # the 5th chunk rolled back as a whole

    monkeypatch.setattr(runner, "merge_records", real_merge)
    with django_capture_on_commit_callbacks(execute=True):
        jobs.import_resume(job=job)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert Contact.objects.for_workspace(workspace).count() == 37
    assert job.created_count == 37 and job.duplicate_count == 95 - 37 and job.rejected_count == 1
    assert ContactTag.objects.filter(contact__workspace=workspace).count() == 37


def test_running_a_finished_job_again_changes_nothing(owner_api, workspace):
    r = upload(owner_api, "bom_utf8.csv")
    job = ImportJob.objects.get(public_id=r.json()["id"])
    from contacts.tasks import contacts_import_task

    contacts_import_task(job.pk)
    job.refresh_from_db()
    assert job.created_count == 2 and Contact.objects.count() == 2
    contacts_import_task(999999)  # a deleted job: quietly nothing


def test_agent_cannot_import_and_jobs_are_per_workspace(agent_api, owner_api, outsider_api):
    assert upload(agent_api, "bom_utf8.csv").status_code == 403
    r = upload(owner_api, "bom_utf8.csv")
    assert outsider_api.get(f"/api/contacts/imports/{r.json()['id']}").status_code == 404
    assert outsider_api.get(r.json()["rejects_url"]).status_code == 404


def _queued_job(workspace, owner, body, name="late.csv"):
    job = jobs.import_sniff(job=jobs.import_create(workspace=workspace, user=owner,
                                                   upload=SimpleUploadedFile(name, body)))
    job.mapping = ["name", "phone"]
    job.status = ImportJob.Status.QUEUED
    job.save()
    return job


def test_a_broken_row_after_committed_chunks_fails_the_job_with_its_row(workspace, owner, monkeypatch):
    # Rows are parsed in a helper thread: its error must still reach the job, after the chunks before it.
    monkeypatch.setattr(runner, "CHUNK_ROWS", 10)
    lines = ["name,phone"] + [f"P{i},0812{i:08d}" for i in range(25)] + ['Broken,"0812' + "x" * 1_100_000]
    job = _queued_job(workspace, owner, "\n".join(lines).encode())
    job.total_rows = 26  # as counted by an earlier run, so this one meets the broken row only while parsing
    job.save()
    job = runner.import_run(job)
    # The line is refused by its length (IMPORT_MAX_LINE_CHARS) before the csv module ever holds it.
    assert job.status == ImportJob.Status.FAILED and "Line 27 is longer than" in job.error
    assert job.last_row == 21 and Contact.objects.for_workspace(workspace).count() == 20


def test_reject_reasons_are_shown_in_the_readers_language_not_the_workers(workspace, owner, owner_client):
    """Issue 20 #6: a worker running in English stores codes; an Indonesian reader gets Indonesian text."""
    from django.utils import translation

    job = _queued_job(workspace, owner, b"name,phone\nSiti,081234567890\nTanpa,\nHuruf,08abc123\n")
    with translation.override("en"):
        job = runner.import_run(job)
    assert job.created_count == 1
    assert sorted(job.rejects.values_list("code", flat=True)) == ["no_phone", "phone_letters"]
    r = owner_client.get(f"/contacts/imports/{job.public_id}/rejects.csv", HTTP_ACCEPT_LANGUAGE="id")
    rows = list(csv.reader(io.StringIO(b"".join(r.streaming_content).decode("utf-8-sig"))))
    by_row = {row[0]: (row[2], row[3]) for row in rows[1:]}
    assert by_row["3"] == ("Tidak ada nomor telepon di baris ini.", "no_phone")
    assert by_row["4"][1] == "phone_letters" and "08abc123" in by_row["4"][0] and "huruf" in by_row["4"][0]
    with translation.override("id"):
        assert str(job.rejects.get(row_number=3)) == "row 3: Tidak ada nomor telepon di baris ini."


def test_an_old_reject_without_a_code_still_shows_its_text(workspace, owner, owner_client):
    from contacts.models import ImportReject

    job = _queued_job(workspace, owner, b"name,phone\nSiti,081234567890\n")
    ImportReject.objects.create(job=job, row_number=2, value="x", reason="Old stored sentence.")
    ImportJob.objects.filter(pk=job.pk).update(rejected_count=1)
    r = owner_client.get(f"/contacts/imports/{job.public_id}/rejects.csv", HTTP_ACCEPT_LANGUAGE="id")
    rows = list(csv.reader(io.StringIO(b"".join(r.streaming_content).decode("utf-8-sig"))))
    assert rows[1] == ["2", "x", "Old stored sentence.", ""]


def test_every_reject_reason_has_an_indonesian_translation():
    from pathlib import Path

    from django.conf import settings
    from django.utils import translation

    from contacts.importing.reasons import REASONS

    assert Path(settings.BASE_DIR, "locale/id/LC_MESSAGES/django.mo").exists()
    for code, message in REASONS.items():
        with translation.override("en"):
            english = str(message)
        with translation.override("id"):
            assert str(message) != english, f"{code} has no Indonesian translation"


def test_switch_interval_is_restored_after_overlapping_imports():
    import sys

    from contacts.importing.runner import SWITCH_SECONDS, _quick_handover

    before = sys.getswitchinterval()
    first, second = _quick_handover(), _quick_handover()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)  # the first import ends while the second still runs
    assert sys.getswitchinterval() == min(before, SWITCH_SECONDS)
    second.__exit__(None, None, None)
    assert sys.getswitchinterval() == before


@pytest.mark.parametrize("chunk_rows", [1000, 2])
def test_a_later_duplicate_row_fills_the_empty_name_of_the_first(owner_api, workspace, monkeypatch, chunk_rows):
    # Across chunks too: with 2 rows a chunk, the nameless first row is committed before its named twin.
    monkeypatch.setattr(runner, "CHUNK_ROWS", chunk_rows)
    body = (b"name,phone\n"
            b",081234567890\n"
            b"Ani,081200000001\n"
            b"Budi,+6281234567890\n"
            b"Budi Kedua,081234567890\n"
            b"Ani Lain,081200000001\n")
    r = upload(owner_api, "dups-names.csv", content=body)
    assert r.json()["report"]["skipped_duplicate"] == 3
    got = contacts(workspace)
    assert got["6281234567890"].name == "Budi"  # the first name given wins, as against the database
    assert got["6281200000001"].name == "Ani"  # a name is never replaced by a later row


def test_the_file_is_deleted_when_the_import_is_done(owner_api, owner_client, workspace):
    r = upload(owner_api, "done.csv", content=b"name,phone\nBudi,081234567890\n")
    job = ImportJob.objects.get(pk=ImportJob.objects.get(public_id=r.json()["id"]).pk)
    assert job.status == ImportJob.Status.DONE and not job.file
    assert Contact.objects.for_workspace(workspace).count() == 1
    assert "deleted from the server" in owner_client.get("/contacts/import/").content.decode()
