"""Cells of every CSV and Excel file Sebar writes: what a customer typed must never run as a formula.

CSV: Excel and LibreOffice read a cell starting with = + - @ as a formula, and also one starting with a tab,
carriage return or line feed followed by one (OWASP "CSV injection"). Such a cell gets a leading
apostrophe, the spreadsheets' text marker. The apostrophe is not free: Excel shows it when it opens a CSV,
so it is kept for what could run. A + or - followed only by digits, spaces and phone punctuation
(`+44 7700 900123`, `-5`) names no function, cell, file or link, so no spreadsheet can make it do
anything; it is written as typed, and a phone in a rejected-rows file reads (and imports again) as the
customer wrote it. Every CSV goes through ``safe_cell``.

XLSX: a cell's type is written in the file, and a formula is its own element, so a text cell never runs
whatever it starts with, and an apostrophe would be shown as part of the text. ``xlsx_cell`` only keeps
text as text (openpyxl by itself would turn a string starting with = into a formula).
"""
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
_NUMBER_CHARS = frozenset("0123456789 ().-/+")


def _inert(text):
    """A signed number or phone as typed: digits and phone punctuation only, nothing a formula could call."""
    return text[0] in "+-" and _NUMBER_CHARS.issuperset(text) and any(c.isdigit() for c in text)


def safe_cell(value):
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) and not _inert(text) else text


def xlsx_cell(sheet, value):
    """A cell for the write-only openpyxl `sheet`: text stays a text cell, numbers and dates keep their type."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


class Echo:
    """A file-like object whose write() returns the line: lets csv.writer feed a streaming response."""

    def write(self, value):
        return value
