"""The rotator's user errors, each with a stable code and a message saying what to fix."""
from config.errors import UserError


class RotatorInvalid(UserError):
    code = "rotator_invalid"


class SlugTaken(UserError):
    code = "slug_taken"
