"""Command line entry of the WAHA emulator: ``python -m devices.emulator --port 3000 --engine GOWS``.

``main(argv)`` is what the ``waha_emulator`` management command calls; it serves until interrupted.
"""

from __future__ import annotations

import argparse
import logging
import os

from devices.emulator.engines import ENGINES
from devices.emulator.server import EmulatorServer


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m devices.emulator", description="Run a fake WAHA server.")
    parser.add_argument(
        "--host",
        default=os.environ.get("WAHA_EMULATOR_HOST", "127.0.0.1"),
        help="interface to bind (default 127.0.0.1; 0.0.0.0 inside a container)",
    )
    parser.add_argument("--port", type=int, default=int(os.environ.get("WAHA_EMULATOR_PORT", "3000")))
    parser.add_argument(
        "--engine",
        type=str.upper,
        choices=ENGINES,
        default=os.environ.get("WHATSAPP_DEFAULT_ENGINE", "GOWS").upper(),
    )
    parser.add_argument(
        "--api-key",
        default=os.environ.get("WAHA_API_KEY"),
        help="required X-Api-Key; omit for no auth (like WAHA_NO_API_KEY=True)",
    )
    parser.add_argument("--status-delay", type=float, default=0.5, help="seconds between session states")
    parser.add_argument(
        "--ack-delay", type=float, default=1.0, help="seconds between SERVER/DEVICE/READ acks"
    )
    parser.add_argument(
        "--ack-lid", action="store_true", help="acks name DM chats by @lid, like WhatsApp now"
    )
    parser.add_argument(
        "--webhook-delay-scale",
        type=float,
        default=1.0,
        help="multiplier for webhook retry delays (1 = WAHA's real delays)",
    )
    parser.add_argument("--log-level", default="INFO")
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s")
    server = EmulatorServer(
        args.port,
        args.engine,
        args.api_key,
        host=args.host,
        status_delay=args.status_delay,
        ack_delays=(args.ack_delay,) * 3,
        ack_lid=args.ack_lid,
        webhook_delay_scale=args.webhook_delay_scale,
    )
    logging.getLogger("devices.emulator").info(
        "WAHA emulator (%s) on %s, control API under /_emulator/", server.engine, server.url
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0
