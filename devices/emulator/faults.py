"""Faults the emulator injects on demand, so tests and the sandbox can see WAHA misbehave.

Set through ``POST /_emulator/faults`` (merged into the current set) or ``EmulatorServer.set_faults``:

- ``send_5xx: n``       the next n send calls answer WAHA's 500 body (engine failure while sending);
- ``send_503: n``       the next n send calls answer 503 before doing anything (a proxy refusing them);
- ``unavailable: n``    the next n ``/api`` calls of any kind answer 503 (a proxy in front of WAHA);
- ``slow_ms: ms``       every ``/api`` call waits this long before answering (timeouts);
- ``slow_send_ms: ms``  a send is done (WhatsApp took it, ``message.any`` goes out) and only then does
                        its answer wait this long: the "timed out after it was sent" case;
- ``rate_overlimit: n``  the next n sends or check-exists calls fail with WhatsApp's ``rate-overlimit``,
                        worded as the engine words it (``limits.py``);
- ``not_on_whatsapp: [phones]``  check-exists says no; sends to them never get past SERVER;
- ``session_fail: name`` is an action, not a setting: the session drops to FAILED at once.
"""

from __future__ import annotations

import dataclasses
import re

_DIGITS = re.compile(r"\D+")

SETTINGS = ("send_5xx", "send_503", "unavailable", "slow_ms", "slow_send_ms", "rate_overlimit", "not_on_whatsapp")


@dataclasses.dataclass
class Faults:
    send_5xx: int = 0
    send_503: int = 0
    unavailable: int = 0
    slow_ms: int = 0
    slow_send_ms: int = 0
    rate_overlimit: int = 0
    not_on_whatsapp: set = dataclasses.field(default_factory=set)

    def update(self, changes: dict) -> None:
        """Merge a control-API body; unknown keys raise so a typo in a test fails loudly."""
        unknown = set(changes) - set(SETTINGS) - {"session_fail"}
        if unknown:
            raise ValueError(
                f"unknown fault(s): {', '.join(sorted(unknown))}; known: {', '.join(SETTINGS)}, session_fail"
            )
        for name in ("send_5xx", "send_503", "unavailable", "slow_ms", "slow_send_ms", "rate_overlimit"):
            if name in changes:
                setattr(self, name, max(0, int(changes[name] or 0)))
        if "not_on_whatsapp" in changes:
            self.not_on_whatsapp = {_DIGITS.sub("", str(p).split("@")[0]) for p in changes["not_on_whatsapp"]}

    def take(self, name: str) -> bool:
        """Use up one of a counted fault; True when the caller must fail this call."""
        left = getattr(self, name)
        if left > 0:
            setattr(self, name, left - 1)
            return True
        return False

    def is_off_whatsapp(self, phone_or_chat: str) -> bool:
        return _DIGITS.sub("", phone_or_chat.split("@")[0]) in self.not_on_whatsapp

    def as_dict(self) -> dict:
        return {
            "send_5xx": self.send_5xx,
            "send_503": self.send_503,
            "unavailable": self.unavailable,
            "slow_ms": self.slow_ms,
            "slow_send_ms": self.slow_send_ms,
            "rate_overlimit": self.rate_overlimit,
            "not_on_whatsapp": sorted(self.not_on_whatsapp),
        }
