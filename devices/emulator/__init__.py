"""A faithful WAHA emulator: a test double and sandbox that speaks WAHA 2026.7.1's HTTP API.

Run it::

    python -m devices.emulator --port 3000 --engine GOWS --api-key KEY   # or NOWEB / WEBJS

or in-process (tests)::

    with EmulatorServer(port=0, engine="NOWEB", api_key="k") as waha:
        WahaClient(waha.url, "k").session_create("dev1", webhook_url=..., hmac_key="s")
        waha.scan("dev1", phone="6281234567890")

What it does like WAHA (see ``shared/waha/API.md``): ``X-Api-Key`` auth (401 body), WAHA's error
bodies, sessions (STOPPED → STARTING → SCAN_QR_CODE → WORKING/FAILED), QR (PNG / JSON / raw) and
pairing codes, sends with the engine's own 201 body, ``message.any`` and timed ``message.ack``
webhooks (GOWS skips SERVER; ack ids may use ``@lid``), groups in the engine's shape, participants
v2 with hidden numbers, LIDs, chats and messages, media files. Every JSON body is validated against
openapi.json (``schema.py``); a wrong body is a 400 naming the error and a log line. Webhooks are
signed (HMAC-SHA512), retried per ``retries`` and delivered concurrently (``webhooks.py``).

Control API (emulator only, no API key), also available as ``EmulatorServer`` methods:

- ``POST /_emulator/sessions/{name}/scan`` ``{"phone"?}`` → the QR (or pairing code) was scanned:
  WORKING with ``me = {id: <phone>@c.us, lid, jid, pushName}``. 409 unless SCAN_QR_CODE.
  (``server.scan(name, phone=None)``)
- ``POST /_emulator/sessions/{name}/inbound`` ``{"from": phone, "text"?, "lid"?: bool,
  "media"?: {mimetype, filename?, data?}, "group"?: id, "push_name"?, "reply_to"?}`` → emits
  ``message`` and ``message.any``; with ``lid`` the sender is ``<lid>@lid`` and resolvable through
  the LIDs API. Returns the WAMessage. (``server.inbound(name, from_, text, lid=, media=, group=)``)
- ``POST /_emulator/sessions/{name}/groups`` ``{"subject", "id"?, "participants": [{"phone",
  "role"?: participant|admin|superadmin, "hidden"?: bool, "name"?: display name}]}`` → the account is in that group
  (hidden = number not shared: participants/v2 shows ``@lid`` and no ``pn``).
  (``server.add_group(name, subject, participants, id=None)``)
- ``POST /_emulator/sessions/{name}/ack`` ``{"short_id" | "id", "ack": -1..4}`` → emit one ack now.
  (``server.push_ack(name, short_id, ack)``)
- ``POST /_emulator/sessions/{name}/fail`` → FAILED + ``session.status``. (``server.fail_session``)
- ``POST /_emulator/sessions/{name}/limits`` ``{"capping": {"status", "total"?, "used"?, "cycle_seconds"?} | null,
  "timelock": {"seconds"} | null, "rate_overlimit": n}`` → WhatsApp's new-chat quota and reach-out timelock:
  ``/me`` shows them as ``messageCapping`` / ``reachoutTimelock``, and sends to new chats use the quota or fail with 463
  (``limits.py``). (``server.set_limits(name, capping=, timelock=)``)
- ``POST /_emulator/sessions/{name}/flap`` ``{"times"?, "gap"?}`` → FAILED → STARTING → WORKING, ``times``
  rounds. (``server.flap(name, times, gap)``)
- ``POST /_emulator/faults`` ``{"send_5xx": n, "unavailable": n, "slow_ms": ms,
  "rate_overlimit": n, "not_on_whatsapp": [phones],
  "session_fail": name}``, merged; ``GET`` shows them (``faults.py``).
  (``server.set_faults(**faults)``)
- ``GET /_emulator/sent`` → every send received (``server.sent()``);
  ``GET /_emulator/webhooks`` → every delivery attempt and its outcome (``server.webhook_log()``).
- ``POST /_emulator/reset`` → forget everything (``server.reset()``).

Timing knobs (``EmulatorServer(..., status_delay=, ack_delays=, ack_lid=, auto_acks=,
webhook_delay_scale=, qr_wait=, phone_prefix=, push_name=)``) are in ``core.Options``.
"""

from devices.emulator.cli import main
from devices.emulator.server import EmulatorServer

__all__ = ["EmulatorServer", "main"]
