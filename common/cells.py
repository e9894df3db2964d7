"""Cells of every CSV and Excel file Sebar writes: what a customer typed must never run as a formula.

Excel and LibreOffice treat a cell starting with = + - @ as a formula, and also one starting with a tab,
carriage return or line feed followed by one (OWASP "CSV injection"). Such a cell gets a leading
apostrophe, which spreadsheets show as plain text. Every export goes through ``safe_cell``.
"""
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value):
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class Echo:
    """A file-like object whose write() returns the line: lets csv.writer feed a streaming response."""

    def write(self, value):
        return value
