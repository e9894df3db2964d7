"""Errors of sequences, each with a code of config/error_codes.py."""
from config.errors import UserError


class SequenceError(UserError):
    code = "sequence_invalid"


class SequenceArchived(UserError):
    code = "sequence_archived"
    status_code = 409
