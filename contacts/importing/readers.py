"""Stream a spreadsheet's rows as lists of strings, one row at a time (bounded memory).

Excel's cell types are turned into what the user saw: `6281234567890.0` (a number cell) becomes
`6281234567890`, text stays text (so a leading zero survives), dates become ISO dates.
"""
import csv
import datetime
import sys

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


def _csv_rows(path, info):
    with open(path, encoding=info.encoding, errors="replace", newline="") as f:
        reader = csv.reader(f, delimiter=info.delimiter or ",")
        try:
            for row in reader:
                yield [c.strip() for c in row]
        except csv.Error as exc:
            raise ImportFileError(_("Row %(row)s cannot be read (%(error)s). Fix that row or save the file again "
                                    "as CSV.") % {"row": reader.line_num, "error": exc})


def _xlsx_rows(path):
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken workbook
        raise ImportFileError(_("This Excel file cannot be opened (%(error)s). Open it in Excel and save it "
                                "again.") % {"error": str(exc)[:120]})
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield [cell_text(v) for v in row]
    finally:
        workbook.close()


def _xls_rows(path):
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
            for cell in sheet.row(index):
                if cell.ctype == xlrd.XL_CELL_DATE:
                    row.append(cell_text(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)))
                else:
                    row.append(cell_text(cell.value))
            yield row
    finally:
        book.release_resources()


def rows(path, info):
    """Every row of the first sheet (header included), as lists of stripped strings."""
    if info.file_format == "xlsx":
        return _xlsx_rows(path)
    if info.file_format == "xls":
        return _xls_rows(path)
    return _csv_rows(path, info)


def count_rows(path, info):
    """Rows in the file (header included), for the progress bar. One fast pass; no phone parsing."""
    if info.file_format == "xlsx":
        import openpyxl

        workbook = openpyxl.load_workbook(path, read_only=True)
        try:
            sheet = workbook.worksheets[0]
            if sheet.max_row:
                return sheet.max_row
        finally:
            workbook.close()
    return sum(1 for _row in rows(path, info))
