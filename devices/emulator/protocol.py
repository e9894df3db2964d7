"""Request/response values of the emulator's HTTP layer and WAHA's error bodies (API.md §1).

Handlers raise ``ApiError`` with one of the bodies built here, so every error the emulator returns has
exactly the shape real WAHA uses for that situation (Nest default, 422 object body, 500 exception).
"""

from __future__ import annotations

import dataclasses
import datetime
import json
from urllib.parse import parse_qs


@dataclasses.dataclass
class Request:
    method: str
    path: str
    query: dict  # name → list of values
    headers: dict  # lower-case names
    body: bytes
    params: dict = dataclasses.field(default_factory=dict)  # path parameters, URL-decoded
    data: object = None  # parsed JSON body

    @classmethod
    def build(cls, method, target, headers, body):
        path, _, query = target.partition("?")
        return cls(
            method=method,
            path=path,
            query=parse_qs(query, keep_blank_values=True),
            headers={k.lower(): v for k, v in headers.items()},
            body=body,
        )

    def arg(self, name, default=None):
        values = self.query.get(name)
        return values[0] if values else default

    def int_arg(self, name, default=None):
        value = self.arg(name)
        try:
            return int(float(value)) if value not in (None, "") else default
        except ValueError:
            raise ApiError(400, nest(400, f"{name} must be a number")) from None

    def flag(self, name, default=False) -> bool:
        value = self.arg(name)
        return default if value is None else value.lower() in ("1", "true", "yes")


@dataclasses.dataclass
class Response:
    status: int = 200
    body: object = None  # dict/list → JSON; bytes as is; None → empty body
    content_type: str = "application/json; charset=utf-8"
    headers: dict = dataclasses.field(default_factory=dict)

    def encoded(self) -> bytes:
        if self.body is None:
            return b""
        if isinstance(self.body, bytes | bytearray):
            return bytes(self.body)
        return json.dumps(self.body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


class ApiError(Exception):
    def __init__(self, status: int, body):
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body


_REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    422: "Unprocessable Entity",
    501: "Not Implemented",
    503: "Service Unavailable",
}


def nest(status: int, message) -> dict:
    """NestJS HttpException default body."""
    if status == 401:
        return {"message": "Unauthorized", "statusCode": 401}
    return {"message": message, "error": _REASONS.get(status, "Error"), "statusCode": status}


def not_ready(session: str, status: str, expected=("WORKING",)) -> ApiError:
    return ApiError(
        422,
        {
            "error": "Session status is not as expected. Try again later or restart the session",
            "session": session,
            "status": status,
            "expected": list(expected),
        },
    )


def session_missing(name: str) -> ApiError:
    return ApiError(422, {"error": f'Session "{name}" does not exist', "session": name})


def session_not_found() -> ApiError:
    return ApiError(404, nest(404, "Session not found"))


def server_error(message: str, request: Request) -> ApiError:
    """AllExceptionsFilter's 500 body for an error thrown by the engine."""
    return ApiError(
        500,
        {
            "statusCode": 500,
            "timestamp": datetime.datetime.now(datetime.UTC).isoformat().replace("+00:00", "Z"),
            "exception": {"message": message, "name": "Error", "stack": f"Error: {message}\n    at emulator"},
            "request": {
                "path": request.path,
                "method": request.method,
                "body": request.data,
                "query": {k: v[0] for k, v in request.query.items()},
            },
            "version": {"version": "2026.7.1", "engine": None, "tier": "CORE", "browser": None},
        },
    )
