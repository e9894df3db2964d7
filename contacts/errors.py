"""Errors of the contacts app, each saying what to fix."""
from config.errors import UserError


class InvalidPhone(UserError):
    """A value that cannot be a WhatsApp (mobile) number; `message` is the reason shown per row."""

    code = "invalid_phone"


class ImportFileError(UserError):
    """The uploaded file cannot be read as a spreadsheet (wrong type, empty, no phone column...)."""

    code = "import_file_invalid"
