"""A tiny timer wheel for the emulator: run a callable after a delay, on a pool of worker threads.

WAHA does many things "a bit later" (status changes, acks, webhook retries). One scheduler thread
plus a small pool keeps that to a fixed number of threads that ``stop()`` joins, instead of a
``threading.Timer`` per event that a test would leak.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor

log = logging.getLogger(__name__)


class Scheduler:
    """``call_later(delay, fn, *args)``; callables run concurrently on ``workers`` threads."""

    def __init__(self, workers: int = 4, name: str = "waha-emulator"):
        self._heap: list = []
        self._seq = itertools.count()
        self._cond = threading.Condition()
        self._stopped = False
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"{name}-worker")
        self._thread = threading.Thread(target=self._run, name=f"{name}-scheduler", daemon=True)
        self._thread.start()

    def call_later(self, delay: float, fn, *args) -> None:
        with self._cond:
            if self._stopped:
                return
            heapq.heappush(self._heap, (time.monotonic() + max(0.0, delay), next(self._seq), fn, args))
            self._cond.notify()

    def cancel_all(self) -> None:
        """Forget every pending call (emulator reset)."""
        with self._cond:
            self._heap.clear()

    def _run(self):
        while True:
            with self._cond:
                while not self._stopped and (not self._heap or self._heap[0][0] > time.monotonic()):
                    timeout = self._heap[0][0] - time.monotonic() if self._heap else None
                    self._cond.wait(timeout)
                if self._stopped:
                    return
                _due, _seq, fn, args = heapq.heappop(self._heap)
            try:
                self._pool.submit(self._safe, fn, args)
            except RuntimeError:
                return  # pool shut down while we were popping

    @staticmethod
    def _safe(fn, args):
        try:
            fn(*args)
        except Exception:  # a failing timer must not kill the pool; the log shows it
            log.exception("emulator scheduled call %r failed", fn)

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._heap.clear()
            self._cond.notify_all()
        self._thread.join(timeout=5)
        self._pool.shutdown(wait=True, cancel_futures=True)
