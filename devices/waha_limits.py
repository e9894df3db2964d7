"""WhatsApp's own limits on an account as WAHA reports them in MeInfo (API.md §8), parsed once for the client,
the health score and the emulator's tests: ``me.messageCapping`` (the new-chat quota per cycle) and
``me.reachoutTimelock`` (code 463: no new chats until it ends).
"""
from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

CAPPING_STATUSES = ("NONE", "FIRST_WARNING", "SECOND_WARNING", "CAPPED")


@dataclasses.dataclass(frozen=True)
class AccountLimits:
    """WhatsApp's own limits on the account, from ``me.messageCapping`` and ``me.reachoutTimelock`` (API.md §8).

    Newer WAHA versions add them to MeInfo on every engine; an older server, or an engine that does not read
    them, leaves them out. Each field is None when WAHA did not say: unknown, never "no limit" and never an
    error. ``total_quota`` -1 means WhatsApp sets no cap this cycle.
    """

    capping_status: str | None = None  # NONE / FIRST_WARNING / SECOND_WARNING / CAPPED
    total_quota: int | None = None
    used_quota: int | None = None
    cycle_start: datetime | None = None
    cycle_end: datetime | None = None
    timelock_active: bool | None = None
    timelock_ends: datetime | None = None

    @property
    def capping_known(self) -> bool:
        return self.capping_status is not None

    @property
    def timelock_known(self) -> bool:
        return self.timelock_active is not None


def _when(value) -> datetime | None:
    """A WAHA time: unix seconds (timeEnforcementEnds), milliseconds, or an ISO string; None if unreadable."""
    if isinstance(value, bool) or value in (None, "", 0, "0"):
        return None
    if isinstance(value, str) and not value.strip().lstrip("-").isdigit():
        try:
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if number > 1e11:  # milliseconds, as WAHA's envelope timestamps are
        number /= 1000
    try:
        return datetime.fromtimestamp(number, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _int_or_none(value) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def account_limits(me) -> AccountLimits:
    """Parse a MeInfo (from ``/me`` or a webhook envelope's ``me``); missing or odd parts stay unknown."""
    me = me if isinstance(me, dict) else {}
    capping = me.get("messageCapping") if isinstance(me.get("messageCapping"), dict) else {}
    timelock = me.get("reachoutTimelock") if isinstance(me.get("reachoutTimelock"), dict) else {}
    status = str(capping.get("cappingStatus") or "").upper()
    active = timelock.get("isActive")
    return AccountLimits(
        capping_status=status if status in CAPPING_STATUSES else None,
        total_quota=_int_or_none(capping.get("totalQuota")),
        used_quota=_int_or_none(capping.get("usedQuota")),
        cycle_start=_when(capping.get("cycleStart")),
        cycle_end=_when(capping.get("cycleEnd")),
        timelock_active=active if isinstance(active, bool) else None,
        timelock_ends=_when(timelock.get("timeEnforcementEnds")),
    )
