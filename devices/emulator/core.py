"""The emulator without its HTTP layer: settings, state, timers and webhook delivery in one object.

``EmulatorServer`` wraps one ``Emulator``; ``api.py``/``control.py`` handlers and the Python control
methods all operate on it through ``sessions.py`` and ``messages.py``.
"""

from __future__ import annotations

import dataclasses
import os

from devices.emulator.engines import ENGINES
from devices.emulator.scheduler import Scheduler
from devices.emulator.schema import validator_for
from devices.emulator.state import EmulatorState
from devices.emulator.webhooks import WebhookDispatcher


@dataclasses.dataclass
class Options:
    """Timing and identity knobs; defaults keep a test run fast (WAHA's real delays are seconds)."""

    status_delay: float = 0.05  # STARTING → SCAN_QR_CODE, and restart steps
    ack_delays: tuple = (0.05, 0.05, 0.05)  # before SERVER, DEVICE, READ
    ack_lid: bool = False  # acks name the chat by @lid, as WhatsApp increasingly does
    auto_acks: bool = True
    webhook_delay_scale: float = 0.01  # multiplies the webhook retry delays (2 s → 20 ms)
    webhook_timeout: float = 5.0
    qr_wait: float = 2.0  # how long GET auth/qr waits for SCAN_QR_CODE (WAHA: ~15 s)
    phone_prefix: str = "6281100000"  # scanned sessions get <prefix><n> unless a phone is given
    push_name: str = "Sebar Emulator"


class Emulator:
    def __init__(
        self, *, engine: str = "GOWS", api_key: str | None = None, openapi_path: str | None = None, **options
    ):
        engine = engine.upper()
        if engine not in ENGINES:
            raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
        self.engine = engine
        self.api_key = api_key or None
        self.options = Options(**options)
        self.base_url = "http://127.0.0.1:3000"  # set by the server once bound; used in media.url
        self.state = EmulatorState()
        self.scheduler = Scheduler()
        self.webhooks = WebhookDispatcher(
            self.state,
            self.scheduler,
            engine=engine,
            delay_scale=self.options.webhook_delay_scale,
            timeout=self.options.webhook_timeout,
        )
        self.validator = validator_for(openapi_path or os.environ.get("WAHA_OPENAPI_PATH"))

    def reset(self) -> None:
        with self.state.lock:
            self.scheduler.cancel_all()
            for session in self.state.sessions.values():
                session.generation += 1  # timers already handed to the pool become no-ops
            self.state.reset()

    def stop(self) -> None:
        self.scheduler.stop()
