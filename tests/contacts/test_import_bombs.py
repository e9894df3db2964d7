"""Import files cannot exhaust a worker (issue 12 #4, #5): declared dimensions ignored, rows and columns
capped, a long run of empty rows ends a sheet, zip sizes checked before opening, CSV lines bounded, and
imports run on their own time-limited queue."""
import zipfile

import openpyxl
import pytest

from contacts.errors import ImportFileError
from contacts.importing import readers, sniff


def rows_of(path):
    return list(readers.rows(str(path), sniff.detect(str(path))))


def test_two_cells_declaring_the_whole_sheet_read_as_what_is_there(tmp_path, settings):
    path = tmp_path / "bomb.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"], sheet["B1"] = "name", "phone"
    sheet["A2"], sheet["B2"] = "Budi", "081234567890"
    sheet["XFD1048576"] = "x"  # the sheet now declares A1:XFD1048576: a million rows of 16,384 cells
    book.save(path)
    got = rows_of(path)
    assert got[:2] == [["name", "phone"], ["Budi", "081234567890"]]
    assert len(got) <= 2 + settings.IMPORT_MAX_EMPTY_ROWS  # a long empty run ends the sheet
    assert max(len(r) for r in got) <= settings.IMPORT_MAX_COLUMNS
    assert readers.count_rows(str(path), sniff.detect(str(path))) == len(got)  # never the declared 1,048,576


def test_rows_and_columns_are_capped(tmp_path, settings):
    settings.IMPORT_MAX_ROWS, settings.IMPORT_MAX_COLUMNS = 5, 3
    path = tmp_path / "wide.xlsx"
    book = openpyxl.Workbook()
    for _row in range(10):
        book.active.append([f"c{i}" for i in range(10)])
    book.save(path)
    got = rows_of(path)
    assert len(got) == 5 and all(len(r) == 3 for r in got)
    csv_path = tmp_path / "wide.csv"
    csv_path.write_text("\n".join(",".join(f"v{i}" for i in range(500)) for _ in range(3)))
    assert all(len(r) == 3 for r in rows_of(csv_path))


def test_a_zip_that_unpacks_too_far_is_refused_before_opening(tmp_path, settings):
    settings.IMPORT_XLSX_MAX_SHARED_STRINGS = 10_000
    path = tmp_path / "strings.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["name", "phone"])
    book.save(path)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"<sst>" + b"A" * 50_000 + b"</sst>")  # tiny zipped, big inflated
    with pytest.raises(ImportFileError) as info:
        rows_of(path)
    assert "unpacks to" in info.value.message and "CSV" in info.value.message


def test_a_csv_line_of_twenty_megabytes_of_commas_is_refused_by_line_number(tmp_path, settings):
    settings.IMPORT_MAX_LINE_CHARS = 1000
    path = tmp_path / "commas.csv"
    path.write_text("name,phone\nBudi,0812\n" + "," * 50_000 + "\nAni,0813\n")
    with pytest.raises(ImportFileError) as info:
        rows_of(path)
    assert "Line 3" in info.value.message


def test_imports_run_on_their_own_time_limited_queue(settings):
    from config.celery import app
    from contacts.tasks import contacts_grab_task, contacts_import_task

    assert app.amqp.router.route({}, contacts_import_task.name)["queue"].name == "imports"
    assert contacts_import_task.soft_time_limit == settings.IMPORT_TIME_LIMIT_SECONDS
    assert contacts_grab_task.time_limit > contacts_grab_task.soft_time_limit


@pytest.mark.django_db
def test_an_import_stopped_by_its_time_limit_says_so_and_can_resume(workspace, owner, monkeypatch):
    from celery.exceptions import SoftTimeLimitExceeded

    from contacts.models import ImportJob
    from contacts.tasks import contacts_import_task

    job = ImportJob.objects.create(workspace=workspace, created_by=owner, original_name="big.csv",
                                   status=ImportJob.Status.RUNNING)

    def too_slow(job):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr("contacts.tasks.import_run", too_slow)  # where the task calls it
    contacts_import_task(job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and "Resume" in job.error
