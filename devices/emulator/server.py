"""HTTP layer of the emulator and ``EmulatorServer``, the object tests and the CLI start.

Order of work for each request, as a WAHA behind a proxy would behave: emulator control routes
(no key) → ``unavailable``/``slow_ms`` faults → ``X-Api-Key`` check on ``/api`` and ``/health`` →
route → JSON parse → ``session`` presence on send routes (422) → openapi.json validation (400, logged)
→ handler. Errors come back in WAHA's own bodies (``protocol.py``).
"""

from __future__ import annotations

import hmac
import json
import logging
import re
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

from devices.emulator import api, control, messages, sessions
from devices.emulator.core import Emulator
from devices.emulator.protocol import ApiError, Request, Response, nest, server_error

log = logging.getLogger("devices.emulator")


def _compile(template: str):
    pattern = re.sub(r"\\\{(\w+)\\\+\\\}", r"(?P<\1>.+)", re.escape(template))
    pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", pattern)
    return re.compile(f"^{pattern}$")


class App:
    """Routes a ``Request`` to a handler and turns every outcome into a ``Response``."""

    def __init__(self, emu: Emulator):
        self.emu = emu
        self.api_routes = [(m, _compile(t), h, in_body) for m, t, h, in_body in api.ROUTES]
        self.control_routes = [(m, _compile(t), h, False) for m, t, h in control.ROUTES]

    def handle(self, request: Request) -> Response:
        try:
            return self._dispatch(request)
        except ApiError as exc:
            return Response(exc.status, exc.body)
        except Exception as exc:  # a bug in the emulator: answer like WAHA's filter, and log it
            log.exception("emulator error on %s %s", request.method, request.path)
            return Response(500, server_error(str(exc), request).body)

    def _dispatch(self, request: Request) -> Response:
        if request.path.startswith("/_emulator/"):
            route = self._match(self.control_routes, request)
            self._parse(request)
            return route[2](self.emu, request)
        faults = self.emu.state.faults
        with self.emu.state.lock:
            unavailable = faults.take("unavailable")
            slow_ms = faults.slow_ms
        if unavailable:
            return Response(503, nest(503, "Service Unavailable"))
        if slow_ms:
            time.sleep(slow_ms / 1000)  # a test double: the slowness is the point
        if request.path.startswith(("/api", "/health")) and not self._authorised(request):
            return Response(401, nest(401, "Unauthorized"))
        route = self._match(self.api_routes, request)
        self._parse(request)
        if route[3] and not (isinstance(request.data, dict) and request.data.get("session")):
            # No validation pipe on send routes, so no default session: WAHA says this (API.md §3).
            return Response(422, {"error": "Session name is required"})
        errors = self.emu.validator.errors(request.method, request.path, request.data)
        if errors:
            log.warning("WAHA emulator rejected %s %s: %s", request.method, request.path, "; ".join(errors))
            return Response(400, {"statusCode": 400, "message": errors, "error": "Bad Request"})
        return route[2](self.emu, request)

    def _authorised(self, request: Request) -> bool:
        if not self.emu.api_key:
            return True  # WAHA_NO_API_KEY=True
        given = request.headers.get("x-api-key") or request.arg("x-api-key") or ""
        return hmac.compare_digest(given.encode(), self.emu.api_key.encode())

    @staticmethod
    def _match(routes, request: Request):
        for method, regex, handler, in_body in routes:
            found = regex.match(request.path)
            if found and method == request.method:
                request.params = {k: unquote(v) for k, v in found.groupdict().items()}
                return method, regex, handler, in_body
        raise ApiError(404, nest(404, f"Cannot {request.method} {request.path}"))

    @staticmethod
    def _parse(request: Request) -> None:
        if not request.body.strip():
            request.data = None
            return
        try:
            request.data = json.loads(request.body)
        except ValueError as exc:
            raise ApiError(400, nest(400, f"Unexpected token in JSON body: {exc}")) from None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the client's pooled session expects
    server_version = "WAHA-emulator"
    # Headers and body go out as two writes; with Nagle on, the body waits for the client's delayed ACK
    # (~40 ms on Linux), which capped every caller at ~22 requests/s per connection.
    disable_nagle_algorithm = True

    def _serve(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = Request.build(self.command, self.path, dict(self.headers.items()), body)
        response = self.server.app.handle(request)
        payload = response.encoded()
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("X-Powered-By", "Express")
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        log.debug("%s - %s", self.address_string(), format % args)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, app):
        self.app = app
        self._open = set()
        self._open_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request, client_address):
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request, client_address):
        # A caller that went away mid-request (a killed worker, a timeout) is not the emulator's error.
        if isinstance(sys.exc_info()[1], ConnectionError):
            log.debug("client %s went away mid-request", client_address)
            return
        super().handle_error(request, client_address)

    def close_open_connections(self):
        """Kick idle keep-alive connections so their handler threads end now, not at exit."""
        with self._open_lock:
            for sock in list(self._open):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


class EmulatorServer:
    """A WAHA emulator on ``host:port`` (port 0 = any free port); ``start()`` serves in a thread.

    ``options`` are ``core.Options`` fields (``status_delay``, ``ack_delays``, ``ack_lid``, ...).
    """

    def __init__(
        self,
        port: int = 0,
        engine: str = "GOWS",
        api_key: str | None = None,
        *,
        host: str = "127.0.0.1",
        openapi_path: str | None = None,
        **options,
    ):
        self.emulator = Emulator(engine=engine, api_key=api_key, openapi_path=openapi_path, **options)
        self.httpd = _HTTPServer((host, port), App(self.emulator))
        self.host, self.port = self.httpd.server_address[:2]
        self.emulator.base_url = self.url
        self._thread = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def engine(self) -> str:
        return self.emulator.engine

    def start(self) -> EmulatorServer:
        # A short poll interval makes stop() quick; the default 0.5 s adds up over a test suite.
        self._thread = threading.Thread(
            target=self.httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"waha-emulator-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Foreground serving, for the CLI."""
        self.httpd.serve_forever()

    def stop(self) -> None:
        if self._thread:
            self.httpd.shutdown()
        self.httpd.close_open_connections()
        self.httpd.server_close()
        if self._thread:
            self._thread.join(timeout=5)
        self.emulator.stop()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- the control API, in-process

    def scan(self, name: str, phone: str | None = None) -> dict:
        return sessions.scan(self.emulator, name, phone)

    def inbound(
        self,
        name: str,
        from_: str,
        text: str | None = None,
        *,
        lid: bool = False,
        media: dict | None = None,
        group: str | None = None,
        **extra,
    ) -> dict:
        data = {"from": from_, "text": text, "lid": lid, "media": media, "group": group, **extra}
        return messages.inbound(self.emulator, name, data)

    def add_group(self, name: str, subject: str, participants: list[dict], *, id: str | None = None) -> dict:  # noqa: A002
        return control.add_group(
            self.emulator, name, {"subject": subject, "participants": participants, "id": id}
        )

    def push_ack(self, name: str, short_id: str, ack: int) -> dict:
        return messages.push_ack(self.emulator, name, {"short_id": short_id, "ack": ack})

    def set_faults(self, **faults) -> dict:
        return control.set_faults(self.emulator, faults)

    def set_limits(self, name: str, **limits) -> dict:
        """``capping={"status", "total"?, "used"?, "cycle_seconds"?} | None``, ``timelock={"seconds"} | None``."""
        return control.set_limits(self.emulator, name, limits)

    def flap(self, name: str, times: int = 1, gap: float = 0.3) -> dict:
        return sessions.flap(self.emulator, name, times, gap)

    def fail_session(self, name: str) -> dict:
        return sessions.fail(self.emulator, name)

    def status(self, name: str) -> str:
        with self.emulator.state.lock:
            return sessions.get(self.emulator, name).status

    def wait_for_status(self, name: str, status: str, timeout: float = 2.0) -> bool:
        with self.emulator.state.lock:
            session = sessions.get(self.emulator, name)
        return sessions.wait_for(self.emulator, session, {status}, timeout) == status

    def sent(self) -> list[dict]:
        with self.emulator.state.lock:
            return list(self.emulator.state.sent)

    def webhook_log(self) -> list[dict]:
        with self.emulator.state.lock:
            return list(self.emulator.state.webhook_log)

    def reset(self) -> None:
        self.emulator.reset()
