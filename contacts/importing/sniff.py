"""Find out what an uploaded file is: XLSX, XLS or delimited text (with its encoding and delimiter), and
read the first rows the mapping page shows.

Anything else (an image, a PDF, a zip that is not a workbook, an empty file) raises `ImportFileError`
with a message that says what to upload instead. This runs in the worker (`contacts_sniff_task`), never in
the upload request, and reads a bounded sample: at most SAMPLE_ROWS rows and about SAMPLE_CHARS of text,
each kept cell cut to CELL_CHARS, and a file wider than the column cap is refused here with its reason.
"""
import codecs
import csv
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ..errors import ImportFileError
from . import columns, readers

SAMPLE_BYTES = 64 * 1024  # of the file's start, to tell its type, encoding and delimiter
SAMPLE_ROWS = 21  # the header and 20 rows: enough to find the phone column in a file without headers
SAMPLE_CHARS = 256 * 1024  # of text read for the sample; a few huge rows end it early
CELL_CHARS = 100  # of each header and example kept with the job (they live in its JSON columns for good)
DELIMITERS = [",", ";", "\t", "|"]
_NOT_A_SPREADSHEET = _("This file is not a spreadsheet. Upload a CSV file or an Excel workbook (.xlsx or .xls).")
_KNOWN_BINARIES = {b"%PDF": "PDF", b"\x89PNG": "PNG", b"\xff\xd8\xff": "JPEG", b"GIF8": "GIF", b"Rar!": "RAR"}


@dataclass
class FileInfo:
    file_format: str  # "csv", "xlsx" or "xls"
    encoding: str = ""
    delimiter: str = ""


def _encoding(raw):
    if raw.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        # final=False: a sample cut in the middle of a multi-byte character is still UTF-8.
        codecs.getincrementaldecoder("utf-8")().decode(raw, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        raw.decode("cp1252")
        return "cp1252"  # what Excel on Windows writes for "CSV (Comma delimited)"
    except UnicodeDecodeError:
        return "latin-1"  # decodes any byte; the five bytes cp1252 leaves undefined end up here


def _delimiter(text):
    lines = [line for line in text.splitlines() if line.strip()][:50]
    if not lines:
        raise ImportFileError(_("The file is empty. Upload a file with a header row and one contact per row."))
    try:
        found = csv.Sniffer().sniff("\n".join(lines), delimiters="".join(DELIMITERS)).delimiter
        if found in DELIMITERS and found in lines[0]:
            return found
    except csv.Error:
        pass
    # Sniffer gives up on short or irregular files: take the candidate the header row uses most.
    counts = {d: lines[0].count(d) for d in DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def detect(path):
    """FileInfo for the file at `path`, or ImportFileError."""
    with open(path, "rb") as f:
        raw = f.read(SAMPLE_BYTES)
    if not raw.strip():
        raise ImportFileError(_("The file is empty. Upload a file with a header row and one contact per row."))
    if raw.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            raise ImportFileError(_("This Excel file is damaged. Open it in Excel and save it again."))
        if "xl/workbook.xml" not in names:
            raise ImportFileError(_NOT_A_SPREADSHEET)
        return FileInfo("xlsx")
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        return FileInfo("xls")
    for magic, kind in _KNOWN_BINARIES.items():
        if raw.startswith(magic):
            raise ImportFileError(_("This is a %(kind)s file, not a spreadsheet. Upload a CSV file or an Excel "
                                    "workbook (.xlsx or .xls).") % {"kind": kind})
    encoding = _encoding(raw)
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(raw, final=False)
    if encoding != "utf-16" and "\x00" in text:
        raise ImportFileError(_NOT_A_SPREADSHEET)
    control = sum(1 for c in text if ord(c) < 32 and c not in "\r\n\t")
    if control > len(text) * 0.01:
        raise ImportFileError(_NOT_A_SPREADSHEET)
    # Cut at the last line break so the sniffer never sees half a row.
    if len(raw) == SAMPLE_BYTES and "\n" in text:
        text = text[: text.rindex("\n")]
    return FileInfo("csv", encoding=encoding, delimiter=_delimiter(text))


def sample(path, info):
    """The first rows, trailing empty cells dropped, each cell cut to CELL_CHARS; ImportFileError when the file
    is wider than `columns.max_columns()` (the rows are read one cell further, to see it)."""
    cap = columns.max_columns()
    rows, chars = [], 0
    for row in readers.rows(path, info, columns=cap + 1):
        while row and not row[-1]:
            row.pop()  # "a,b,,,," from a spreadsheet's export: empty cells past the last value are no columns
        if len(row) > cap:
            raise ImportFileError(_("This file has more than %(max)s columns, the most an import reads. Delete "
                                    "the columns you do not need (keep the phone, the name and the fields your "
                                    "messages use) and upload it again.") % {"max": cap})
        chars += sum(len(c) for c in row)
        rows.append([c[:CELL_CHARS] for c in row])
        if len(rows) >= SAMPLE_ROWS or chars >= SAMPLE_CHARS:
            break
    return rows
