"""Fixtures for the WAHA client/emulator tests: an in-process emulator per engine and a webhook sink.

Imported by the ``test_waha_*`` modules (no conftest, so other apps' tests are not affected).
Everything binds to 127.0.0.1 on port 0 and is stopped, threads joined, at teardown.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from devices.emulator import EmulatorServer
from devices.waha import WahaClient, build_session

ENGINES = ["GOWS", "NOWEB", "WEBJS"]
API_KEY = "test-key-5f1c"
HMAC_KEY = "hook-secret"
ME_PHONE = "6281200000001"


class WebhookSink:
    """A tiny HTTP server recording each POST (headers, raw bytes, parsed JSON)."""

    def __init__(self):
        self.posts = []
        self.fail_each = 0  # answer the first n tries of every event with 500, to exercise WAHA's retries
        self._lock = threading.Condition()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with sink._lock:
                    event_id = json.loads(raw)["id"]
                    failing = sum(p["json"]["id"] == event_id for p in sink.posts) < sink.fail_each
                    sink.posts.append(
                        {
                            "headers": dict(self.headers.items()),
                            "raw": raw,
                            "json": json.loads(raw),
                            "answered": 500 if failing else 200,
                        }
                    )
                    sink._lock.notify_all()
                self.send_response(500 if failing else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/webhooks/waha"
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def events(self, event=None, accepted_only=True):
        with self._lock:
            return [
                p["json"]
                for p in self.posts
                if (event is None or p["json"]["event"] == event)
                and (not accepted_only or p["answered"] == 200)
            ]

    def wait_for(self, predicate, timeout=3.0):
        """Wait until ``predicate(accepted envelopes)`` is truthy; returns its value (fails on timeout)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                value = predicate([p["json"] for p in self.posts if p["answered"] == 200])
                if value:
                    return value
                left = deadline - time.monotonic()
                if left <= 0:
                    events = [(p["json"]["event"], p["answered"]) for p in self.posts]
                    raise AssertionError(f"webhooks never matched; got {events}")
                self._lock.wait(left)

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=5)


# name=…: test modules import the *_fixture functions, so the argument names do not shadow imports.
@pytest.fixture(name="sink")
def sink_fixture():
    server = WebhookSink()
    yield server
    server.stop()


def make_emulator(engine, **options):
    options.setdefault("status_delay", 0.02)
    options.setdefault("ack_delays", (0.03, 0.03, 0.03))
    options.setdefault("qr_wait", 1.0)
    return EmulatorServer(port=0, engine=engine, api_key=API_KEY, **options).start()


@pytest.fixture(name="waha", params=ENGINES)
def waha_fixture(request):
    """(emulator, client) for each engine; the client has its own connection pool."""
    server = make_emulator(request.param)
    http = build_session()
    yield server, WahaClient(server.url, API_KEY, timeout=(2, 5), session=http)
    http.close()
    server.stop()
    leaked = [t.name for t in threading.enumerate() if t.name.startswith("waha-emulator")]
    assert not leaked, f"emulator threads still running after stop(): {leaked}"


def working_session(server, client, sink, name="dev1", phone=ME_PHONE):
    """Create a session wired to ``sink``, scan its QR and wait until WORKING."""
    client.session_create(name, webhook_url=sink.url, hmac_key=HMAC_KEY, metadata={"workspace": "3"})
    assert server.wait_for_status(name, "SCAN_QR_CODE")
    server.scan(name, phone=phone)
    assert client.session_get(name)["status"] == "WORKING"
    return name
