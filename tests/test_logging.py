"""The console says what happened once (#20.20): a 403 is one line without a traceback, a 500 keeps its
traceback, runserver's access lines and heartbeat task runs are hidden unless DEBUG_REQUESTS is set."""
import io
import logging
from contextlib import contextmanager

import pytest

from config.log_filters import (
    ClientErrorTracebackFilter,
    HeartbeatFilter,
    RequestLineFilter,
    heartbeat_tasks,
)


@contextmanager
def console():
    """Everything every configured stream handler writes, the way a terminal would show it."""
    loggers = [logging.root] + [lg for lg in logging.root.manager.loggerDict.values() if isinstance(lg, logging.Logger)]
    # Only the configured handlers: pytest's capture handlers are StreamHandler subclasses.
    handlers = {h for lg in loggers for h in lg.handlers if type(h) is logging.StreamHandler}
    out = io.StringIO()
    previous = {h: h.setStream(out) for h in handlers}
    try:
        yield out
    finally:
        for handler, stream in previous.items():
            handler.setStream(stream)


@pytest.mark.django_db
def test_a_403_is_logged_once_without_traceback(agent_client, settings):
    settings.DEBUG = True  # Django's own console handler only printed its duplicate with DEBUG on
    with console() as out:
        assert agent_client.get("/billing/").status_code == 403
    text = out.getvalue()
    assert text.count("Forbidden") == 1, text
    assert "Traceback" not in text


def record(name, msg, args=(), level=logging.INFO, **extra):
    rec = logging.LogRecord(name, level, __file__, 1, msg, args, None)
    rec.__dict__.update(extra)
    return rec


def test_a_server_error_keeps_its_traceback():
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        import sys

        exc_info = sys.exc_info()
    server_error = record("django.request", "Internal Server Error: %s", ("/x",), logging.ERROR, status_code=500)
    server_error.exc_info = exc_info
    forbidden = record("django.request", "Forbidden: %s", ("/x",), logging.WARNING, status_code=403)
    forbidden.exc_info = exc_info
    strip = ClientErrorTracebackFilter()
    assert strip.filter(server_error) and server_error.exc_info is exc_info
    assert strip.filter(forbidden) and forbidden.exc_info is None


def test_access_lines_are_hidden_unless_asked_for_and_runserver_warnings_stay():
    access = record("django.server", '"%s" %s %s', ("GET /static/css/sebar.css HTTP/1.1", "200", "10366"))
    https = record("django.server", "You're accessing the development server over HTTPS, but it only supports HTTP.",
                   level=logging.ERROR)
    assert not RequestLineFilter().filter(access)
    assert RequestLineFilter().filter(https)
    assert RequestLineFilter(every=True).filter(access)


def test_heartbeats_are_read_from_the_beat_schedules():
    tasks = heartbeat_tasks()
    assert {"campaigns.tasks.engine_kick_task", "rotator.tasks.clicks_flush_task"} <= tasks
    assert "accounts.tasks.tokens_flush_task" not in tasks  # every 6 hours: worth a line


def test_heartbeat_runs_are_quiet_but_their_failures_and_other_tasks_are_not():
    quiet = HeartbeatFilter(tasks={"campaigns.tasks.engine_kick_task"})
    kick = {"name": "campaigns.tasks.engine_kick_task", "id": "1"}
    assert not quiet.filter(record("celery.beat", "Scheduler: Sending due task %s (%s)",
                                   ("campaigns-engine-kick", "campaigns.tasks.engine_kick_task")))
    assert not quiet.filter(record("celery.worker.strategy", "Task %(name)s[%(id)s] received", (kick,), data=kick))
    assert not quiet.filter(record("celery.app.trace", "Task %(name)s[%(id)s] succeeded", (kick,), data=kick))
    assert quiet.filter(record("celery.app.trace", "Task %(name)s[%(id)s] raised", (kick,), logging.ERROR, data=kick))
    other = {"name": "contacts.tasks.contacts_import_task", "id": "2"}
    assert quiet.filter(record("celery.app.trace", "Task %(name)s[%(id)s] succeeded", (other,), data=other))
    assert HeartbeatFilter(enabled=False, tasks=quiet.tasks).filter(
        record("celery.app.trace", "Task %(name)s[%(id)s] succeeded", (kick,), data=kick))


def test_the_filters_are_installed_where_the_lines_come_from():
    def kinds(name):
        return {type(f) for f in logging.getLogger(name).filters}

    assert logging.getLogger("django").handlers == []  # root's handler prints django's lines, once
    assert ClientErrorTracebackFilter in kinds("django.request")
    assert RequestLineFilter in kinds("django.server")
    for name in ("celery.beat", "celery.worker.strategy", "celery.app.trace"):
        assert HeartbeatFilter in kinds(name)
