"""WhatsApp's limits on an emulated account (API.md §8): the new-chat quota per cycle, the reach-out timelock
(code 463), ``rate-overlimit`` answers and a session that flaps, switchable from tests and the sandbox.

- ``me.messageCapping`` ``{cappingStatus, totalQuota, usedQuota, cycleStart, cycleEnd, mvStatus, oteStatus}``
  and ``me.reachoutTimelock`` ``{enforcementType, isActive, timeEnforcementEnds}`` (unix seconds) appear on
  ``GET /api/sessions/{s}/me`` only once set: until then the account looks like an older WAHA's, which
  sends neither (unknown, not "no limit").
- A send that opens a new chat (a chat the account never wrote to and that never wrote in: replies do not
  count against WhatsApp's quota) uses one unit of the cycle's quota. At ``totalQuota`` the status turns
  CAPPED; while CAPPED or timelocked such a send fails with the engine's 463 error. A cycle that ended
  starts a new one: used 0, status NONE.
- Each engine words its errors its own way (whatsmeow, Baileys, whatsapp-web.js); WAHA answers them all
  as its 500 engine-failure body.
"""

from __future__ import annotations

import dataclasses
import time

from devices.emulator.protocol import ApiError, nest

CAPPING_STATUSES = ("NONE", "FIRST_WARNING", "SECOND_WARNING", "CAPPED")
DAY = 86_400
# What each engine's library says, inside WAHA's 500 body.
TIMELOCK_ERRORS = {
    "GOWS": "failed to send message: server returned error 463",
    "NOWEB": "Error: 463 (reachout timelocked)",
    "WEBJS": "Evaluation failed: Error: 463",
}
OVERLIMIT_ERRORS = {
    "GOWS": "failed to send message: rate-overlimit",
    "NOWEB": "rate-overlimit",
    "WEBJS": "Evaluation failed: Error: rate-overlimit",
}


@dataclasses.dataclass
class AccountLimits:
    capping_status: str | None = None  # None: /me leaves messageCapping out
    total_quota: int = -1  # -1: no cap, as WhatsApp says it
    used_quota: int = 0
    cycle_seconds: int = DAY
    cycle_start: int = 0
    cycle_end: int = 0
    contacted: set = dataclasses.field(default_factory=set)  # chats opened this cycle
    timelock_shown: bool = False  # False: /me leaves reachoutTimelock out
    timelock_ends: int = 0  # unix seconds; 0 = none
    rate_overlimit: int = 0  # the next n sends / check-exists calls of this account answer rate-overlimit

    def engaged(self) -> bool:
        """True when a send's chat matters: a quota counts or a timelock was set."""
        return self.capping_status is not None or bool(self.timelock_ends)

    def roll(self, now: float) -> None:
        """A cycle that ended gives way to a fresh one."""
        if self.capping_status is not None and self.cycle_end and now >= self.cycle_end:
            self.cycle_start = int(now)
            self.cycle_end = int(now) + self.cycle_seconds
            self.used_quota = 0
            self.contacted = set()
            self.capping_status = "NONE"

    def timelocked(self, now: float) -> bool:
        return bool(self.timelock_ends) and now < self.timelock_ends

    def me_fields(self, now: float) -> dict:
        self.roll(now)
        fields = {}
        if self.capping_status is not None:
            fields["messageCapping"] = {
                "cappingStatus": self.capping_status, "totalQuota": self.total_quota,
                "usedQuota": self.used_quota, "cycleStart": self.cycle_start, "cycleEnd": self.cycle_end,
                "mvStatus": None, "oteStatus": None,
            }
        if self.timelock_shown:
            active = self.timelocked(now)
            fields["reachoutTimelock"] = {
                "enforcementType": "REACHOUT_TIMELOCK" if active else None, "isActive": active,
                "timeEnforcementEnds": self.timelock_ends if active else None,
            }
        return fields


def set_limits(limits: AccountLimits, data: dict, now: float | None = None) -> None:
    """Merge a control body: ``{"capping": {"status", "total"?, "used"?, "cycle_seconds"?} | null,
    "timelock": {"seconds"} | {"active": false} | null, "rate_overlimit": n}``; a key left out keeps its state."""
    now = time.time() if now is None else now
    unknown = set(data) - {"capping", "timelock", "rate_overlimit"}
    if unknown:
        raise ApiError(400, nest(400, f"unknown limit(s): {', '.join(sorted(unknown))}; "
                                      "known: capping, timelock, rate_overlimit"))
    if "rate_overlimit" in data:
        limits.rate_overlimit = max(0, int(data["rate_overlimit"] or 0))
    if "capping" in data:
        capping = data["capping"]
        if capping is None:
            limits.capping_status = None
        else:
            status = str(capping.get("status") or "NONE").upper()
            if status not in CAPPING_STATUSES:
                raise ApiError(400, nest(400, f"capping status must be one of {', '.join(CAPPING_STATUSES)}"))
            if limits.capping_status is None or "cycle_seconds" in capping:
                limits.cycle_seconds = max(1, int(capping.get("cycle_seconds") or DAY))
                limits.cycle_start, limits.cycle_end = int(now), int(now) + limits.cycle_seconds
            limits.capping_status = status
            if "total" in capping:
                limits.total_quota = int(capping["total"])
            if "used" in capping:
                limits.used_quota = max(0, int(capping["used"]))
    if "timelock" in data:
        timelock = data["timelock"]
        if timelock is None:
            limits.timelock_shown, limits.timelock_ends = False, 0
        else:
            limits.timelock_shown = True
            seconds = int(timelock.get("seconds") or 0) if timelock.get("active", True) else 0
            limits.timelock_ends = int(now) + seconds if seconds > 0 else 0


def take_overlimit(limits: AccountLimits) -> bool:
    if limits.rate_overlimit > 0:
        limits.rate_overlimit -= 1
        return True
    return False


def check_send(limits: AccountLimits, engine: str, chat_id: str, *, new_chat: bool, now: float | None = None):
    """Before a send: the engine's error message when WhatsApp refuses it, else None (the quota is taken)."""
    now = time.time() if now is None else now
    limits.roll(now)
    if not new_chat or chat_id in limits.contacted or chat_id.endswith("@g.us"):
        return None
    if limits.timelocked(now):
        return TIMELOCK_ERRORS[engine]
    if limits.capping_status is None:
        return None
    if limits.capping_status == "CAPPED":
        return TIMELOCK_ERRORS[engine]
    limits.contacted.add(chat_id)
    limits.used_quota += 1
    if limits.total_quota >= 0 and limits.used_quota >= limits.total_quota:
        limits.capping_status = "CAPPED"
    return None
