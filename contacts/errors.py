"""Errors of the contacts app, each saying what to fix."""
from config.errors import UserError


class ImportFileError(UserError):
    """The uploaded file cannot be read as a spreadsheet (wrong type, empty, no phone column...)."""

    code = "import_file_invalid"
