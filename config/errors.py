"""Errors that say what to fix, and the one renderer that turns them into API responses.

`UserError` is something the user can fix (bad input, a plan limit): its message is shown as is. Anything
else that escapes a view is our fault or a dependency's: users get a generic `server_error`, operators the log.
Apps declare their own subclasses (in `<app>/errors.py` where they have several) with a stable snake_case
`code` listed in `config/error_codes.py`, the one catalogue clients can rely on.
"""
import logging

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .error_codes import CODES

logger = logging.getLogger(__name__)


class UserError(Exception):
    """A problem the user can fix; `message` says what happened and what to do."""

    code = "invalid"
    status_code = 400

    def __init__(self, message, *, code=None, fields=None, status_code=None):
        super().__init__(message)
        self.message = str(message)
        if code:
            self.code = code
        if status_code:
            self.status_code = status_code
        self.fields = fields or {}


class ErrorSerializer(serializers.Serializer):
    """The body every API error has (for the OpenAPI schema; `api_exception_handler` writes it)."""

    error = serializers.ChoiceField(
        choices=sorted(CODES.items()),
        help_text="stable id of what went wrong; config/error_codes.py says what each means")
    message = serializers.CharField(help_text="what happened and what to do, in the user's language")
    fields = serializers.DictField(child=serializers.CharField(), help_text="field name → what is wrong with it")


# The error answers most API operations can give, for `extend_schema(responses={..., **ERRORS})`.
ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


def _body(code, message, fields=None):
    return {"error": code, "message": message, "fields": fields or {}}


def _flatten(detail):
    """DRF error detail (nested lists/dicts) → {field: "first message"} and a summary line."""
    if isinstance(detail, dict):
        fields = {}
        for key, value in detail.items():
            if isinstance(value, (list, tuple)) and value:
                value = value[0]
            if isinstance(value, dict):
                value = "; ".join(f"{k}: {v[0] if isinstance(v, list) else v}" for k, v in value.items())
            fields[key] = str(value)
        return fields
    return {}


def api_exception_handler(exc, context):
    """Render every API error as {"error", "message", "fields"}; unknown errors become a bare 500."""
    if isinstance(exc, UserError):
        response = Response(_body(exc.code, exc.message, exc.fields), status=exc.status_code)
        if getattr(exc, "retry_after", None):  # a 429 or a 503 says when to try again
            response["Retry-After"] = str(exc.retry_after)
        return response
    if isinstance(exc, DjangoValidationError):
        fields = {k: str(v[0]) for k, v in exc.message_dict.items()} if hasattr(exc, "error_dict") else {}
        message = "; ".join(exc.messages)
        return Response(_body("invalid", message, fields), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        return Response(_body("not_found", _("Not found.")), status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, PermissionDenied):
        msg = str(exc) or _("Your role does not allow this. Ask the workspace owner.")
        return Response(_body("permission_denied", msg), status=status.HTTP_403_FORBIDDEN)

    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("Unhandled API error", exc_info=exc)
        return Response(
            _body("server_error", _("Something went wrong on our side. Please try again.")),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        if isinstance(exc.detail, list):
            message = "; ".join(str(d) for d in exc.detail)
        else:
            message = "; ".join(f"{k}: {v}" for k, v in fields.items()) or _("Invalid input.")
        response.data = _body("invalid", message, fields)
    else:
        code = getattr(exc, "default_code", "error")
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        if isinstance(detail, dict):
            detail = detail.get("detail", detail)
        response.data = _body(str(getattr(detail, "code", code) or code), str(detail))
    return response
