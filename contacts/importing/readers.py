"""Stream a spreadsheet's rows as lists of strings, one row at a time (bounded memory).

Excel's cell types are turned into what the user saw: `6281234567890.0` (a number cell) becomes
`6281234567890`, text stays text (so a leading zero survives), dates become ISO dates.
"""
import csv
import datetime
import sys
import zipfile

from django.conf import settings
from django.utils.translation import gettext as _

from ..errors import ImportFileError

# A real cell is never this long; a bigger "field" means a broken quote swallowing the file.
csv.field_size_limit(min(sys.maxsize, 1_000_000))


def cell_text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def _bounded_lines(f):
    """The file's lines, refusing one longer than IMPORT_MAX_LINE_CHARS: a 20 MB "row" of commas would
    otherwise become millions of cells in memory before anything could count them."""
    limit = settings.IMPORT_MAX_LINE_CHARS
    number = 0
    while True:
        line = f.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith("\n"):
            raise ImportFileError(_("Line %(line)s is longer than %(n)s characters: that is not a row of contacts. "
                                    "Check the file (a broken quote, or not a CSV at all).")
                                  % {"line": number, "n": f"{limit:,}"})
        yield line


def _csv_rows(path, info, columns):
    with open(path, encoding=info.encoding, errors="replace", newline="") as f:
        reader = csv.reader(_bounded_lines(f), delimiter=info.delimiter or ",")
        try:
            for row in reader:
                yield [c.strip() for c in row[:columns]]
        except csv.Error as exc:
            raise ImportFileError(_("Row %(row)s cannot be read (%(error)s). Fix that row or save the file again "
                                    "as CSV.") % {"row": reader.line_num, "error": exc})


def check_xlsx_archive(path):
    """Refuse a workbook whose zip declares more than we will inflate, before openpyxl opens it: a few KB
    of zip can expand to gigabytes, and openpyxl loads the whole shared-strings table into memory."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportFileError(_("This Excel file cannot be opened (%(error)s). Open it in Excel and save it "
                                "again.") % {"error": str(exc)[:120]}) from None
    total = sum(e.file_size for e in entries)
    strings = sum(e.file_size for e in entries if e.filename.lower().endswith("sharedstrings.xml"))
    if total > settings.IMPORT_XLSX_MAX_UNCOMPRESSED or strings > settings.IMPORT_XLSX_MAX_SHARED_STRINGS:
        raise ImportFileError(_("This Excel file unpacks to %(mb)s MB, more than an import may read. Save only "
                                "the contacts sheet, or export it as CSV.") % {"mb": total // (1024 * 1024)})


def _xlsx_rows(path, columns):
    import openpyxl

    check_xlsx_archive(path)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken workbook
        raise ImportFileError(_("This Excel file cannot be opened (%(error)s). Open it in Excel and save it "
                                "again.") % {"error": str(exc)[:120]})
    try:
        sheet = workbook.worksheets[0]
        # The sheet's declared <dimension> is whatever the file says (A1:XFD1048576 from two cells): never
        # trust it. Rows and columns are capped, and a long run of empty rows ends the sheet.
        sheet.reset_dimensions()
        empty_run = 0
        for row in sheet.iter_rows(max_row=settings.IMPORT_MAX_ROWS, max_col=columns, values_only=True):
            cells = [cell_text(v) for v in row]
            while cells and not cells[-1]:
                cells.pop()  # max_col pads every row to the cap; the runner pads short rows itself
            if cells:
                empty_run = 0
            else:
                empty_run += 1
                if empty_run >= settings.IMPORT_MAX_EMPTY_ROWS:
                    return
            yield cells
    finally:
        workbook.close()


def _xls_rows(path, columns):
    import xlrd

    try:
        book = xlrd.open_workbook(path, on_demand=True)
    except Exception as exc:  # xlrd raises XLRDError and struct errors alike
        raise ImportFileError(_("This .xls file cannot be opened (%(error)s). Save it as .xlsx and try "
                                "again.") % {"error": str(exc)[:120]})
    try:
        sheet = book.sheet_by_index(0)
        for index in range(sheet.nrows):
            row = []
            for cell in sheet.row_slice(index, 0, columns):
                if cell.ctype == xlrd.XL_CELL_DATE:
                    row.append(cell_text(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)))
                else:
                    row.append(cell_text(cell.value))
            yield row
    finally:
        book.release_resources()


def rows(path, info, columns=None):
    """Every row of the first sheet (header included), as lists of stripped strings, cut at `columns` cells
    (IMPORT_MAX_COLUMNS unless told; the sample read for the mapping reads a little further to see a file
    that is too wide)."""
    columns = columns or settings.IMPORT_MAX_COLUMNS
    if info.file_format == "xlsx":
        return _xlsx_rows(path, columns)
    if info.file_format == "xls":
        return _xls_rows(path, columns)
    return _csv_rows(path, info, columns)


def count_rows(path, info):
    """Rows in the file (header included), for the progress bar. One fast pass; no phone parsing."""
    # Counted by reading, never from the sheet's declared dimension (a file can claim a million rows).
    return sum(1 for _row in rows(path, info))
