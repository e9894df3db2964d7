"""Logging filters that keep the console readable: what happened once, errors always (settings.LOGGING).

Without them `make run` printed every static file, every heartbeat task three times a few seconds apart
(beat's "Sending due task", the worker's "received" and "succeeded"), and each 403 twice with its whole
traceback, so a real error scrolled away before anyone saw it. ``DEBUG_REQUESTS=true`` turns them off.
"""
import logging
from datetime import timedelta

from config.celery import collect_beat_schedule

# runserver's access line (http.server's log_request); its other messages (a TLS handshake on the HTTP
# port, a malformed request) use other formats and never reach Django, so they stay.
ACCESS_LINE = '"%s" %s %s'

# A beat entry at this interval or shorter is a heartbeat: its routine runs are not news.
HEARTBEAT_MAX_SECONDS = 60


class RequestLineFilter(logging.Filter):
    """On ``django.server``: drop runserver's per-request access lines.

    Django itself logs every response of 400 or more once under ``django.request`` ("Not Found: /x"),
    so an access line adds a duplicate for those and noise (static files, polls) for the rest.
    """

    def __init__(self, every=False):
        super().__init__()
        self.every = every

    def filter(self, record):
        return self.every or record.msg != ACCESS_LINE


class ClientErrorTracebackFilter(logging.Filter):
    """On ``django.request``: a 4xx is logged as one line, without the traceback of the Http404 or
    PermissionDenied that produced it; that traceback only shows Django's own frames. A 5xx keeps it."""

    def filter(self, record):
        if record.exc_info and getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True


def heartbeat_tasks():
    """Names of the tasks beat runs every minute or more often (read from the apps' beat.py, so a new
    heartbeat is quiet without a list to keep up to date)."""
    names = set()
    for entry in collect_beat_schedule().values():
        every = entry["schedule"]
        if isinstance(every, timedelta):
            every = every.total_seconds()
        if isinstance(every, (int, float)) and every <= HEARTBEAT_MAX_SECONDS:
            names.add(entry["task"])
    return names


class HeartbeatFilter(logging.Filter):
    """On Celery's beat, receive and success loggers: drop the INFO lines of heartbeat tasks.

    Their failures and warnings are logged at higher levels and always pass; so does every other task.
    """

    def __init__(self, enabled=True, tasks=None):
        super().__init__()
        self.enabled = enabled
        self._tasks = set(tasks) if tasks is not None else None

    @property
    def tasks(self):
        # Read on first use: the filter is built while settings load, before the beat modules can be.
        if self._tasks is None:
            self._tasks = heartbeat_tasks()
        return self._tasks

    def filter(self, record):
        if not self.enabled or record.levelno > logging.INFO:
            return True
        return task_name(record) not in self.tasks


def task_name(record):
    """The task a Celery log record is about: worker lines carry it in ``data``, beat's in its args."""
    data = getattr(record, "data", None)
    if isinstance(data, dict):
        return data.get("name")
    if record.name == "celery.beat" and isinstance(record.args, tuple) and len(record.args) == 2:
        return record.args[1]  # 'Scheduler: Sending due task %s (%s)', entry name, task name
    return None
