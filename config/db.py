"""Database helpers every app may use.

MariaDB (InnoDB) resolves a lock-order conflict between two transactions by rolling one back with
error 1213; it is expected under concurrent writers and the statement is meant to be run again.
"""
import logging

from django.db import OperationalError, connection

log = logging.getLogger(__name__)

RETRYABLE_CODES = {1213, 1205}  # deadlock found; lock wait timeout exceeded


def is_retryable(exc):
    return bool(exc.args) and exc.args[0] in RETRYABLE_CODES


def retry_on_deadlock(fn, *args, attempts=3, **kwargs):
    """Run `fn`; if MariaDB picked it as a deadlock victim, run it again (at most `attempts` times).

    Only outside a transaction: inside one, the rollback took the caller's earlier writes too, so the
    caller must retry its whole transaction (wrap that in this function instead).
    """
    for attempt in range(1, attempts + 1):
        try:
            return fn(*args, **kwargs)
        except OperationalError as exc:
            if attempt == attempts or not is_retryable(exc) or connection.in_atomic_block:
                raise
            log.info("deadlock victim (%s), running %s again (attempt %s)", exc.args[0],
                     getattr(fn, "__name__", fn), attempt + 1)
