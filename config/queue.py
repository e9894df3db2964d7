"""The one way Sebar queues background work, so that a broker (Redis) outage never leaves work committed
with no way to run it, and never answers 500 for work that was in fact saved.

Queued work is first a row in a waiting state, and a beat sweeper queues again the rows that waited too long:

- a stored WAHA event (PENDING / RETRYING): ``devices.webhook_events.webhook_events_maintain``;
- a campaign due to start (SCHEDULED): ``campaigns.services.campaigns_start_due``;
- a device with work and no live chain: ``campaigns.engine_beat.engine_kick``;
- a reply or any inbox message waiting to go out (QUEUED): ``inbox.replies.messages_requeue``;
- a file import or a group grab (QUEUED): ``contacts.importing.jobs.imports_requeue``.

The Celery message only starts the work at once. So:

- ``enqueue()`` and ``enqueue_on_commit()`` never raise on a broker error: it is logged and the row waits for
  its sweeper. (Raising after the commit answered 500 for a campaign that was saved and then started by the
  beat; a client retrying that "failure" broadcast twice.)
- ``require()`` is for a person's request that queues work: start a campaign, send a reply, start or resume an
  import, add knowledge. It checks the broker before anything is written and raises ``QueueUnavailable``
  (503, "nothing was saved, try again in a minute"), so the person learns it at once instead of watching a
  "queued" badge that does not move, and a retry cannot do anything twice. Machines are never refused (WAHA's
  webhooks, beat, billing's hooks): their work waits in its row.

Work with no sweeper, on purpose: a media copy (WAHA deletes the file after ~3 minutes, a late copy finds
nothing), the assistant's answer (the chat is left to an agent, as when the LLM fails) and knowledge indexing
(the settings page re-runs it). A lost message there costs that one piece, never a double send.
"""
import logging

import redis
from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from kombu.exceptions import OperationalError

from .celery import app as celery_app
from .errors import UserError

log = logging.getLogger(__name__)

# What publishing raises when the broker cannot be reached: Celery wraps connection errors in kombu's
# OperationalError; a raw Redis or socket error can still come through on some paths.
BROKER_ERRORS = (OperationalError, redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)
RETRY_AFTER_SECONDS = 60


class QueueUnavailable(UserError):
    """The broker is down: a person's request that would queue work is refused before it writes anything."""

    code = "queue_unavailable"
    status_code = 503
    retry_after = RETRY_AFTER_SECONDS

    def __init__(self):
        super().__init__(_("Sebar's background queue cannot be reached right now, so nothing was saved or started. "
                           "Try again in a minute; if it keeps happening, tell your administrator."))


def require():
    """Raise QueueUnavailable unless the broker takes connections; call it before writing the work."""
    app = celery_app
    if app.conf.task_always_eager:
        return  # tasks run in this process: there is no broker to reach
    try:
        # A fresh connection, not the pool's: a pooled one still looks connected after Redis went away.
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=0)
    except BROKER_ERRORS as exc:
        log.warning("The broker cannot be reached (%s): a request that queues work was refused", exc)
        raise QueueUnavailable() from exc


def _task(task):
    # A dotted path lets a service queue a task of its own app while the tasks module imports that service at
    # its top (tasks sit above services): the one-way order inside an app, without a function-level import.
    # Imported, not looked up in the app's registry: a web process has not autodiscovered the tasks modules.
    # A mistyped path fails here, at once, not in a worker.
    return import_string(task) if isinstance(task, str) else task


def enqueue(task, *args, countdown=None):
    """Publish ``task(*args)``; False and a warning when the broker cannot take it (its sweeper queues it).

    ``task`` is a Celery task or its dotted path ("inbox.tasks.message_send_task")."""
    task = _task(task)
    if celery_app.conf.task_always_eager:
        task.apply_async(args, countdown=countdown)  # runs here; its own errors are the caller's, not the broker's
        return True
    try:
        task.apply_async(args, countdown=countdown)
    except BROKER_ERRORS as exc:
        log.warning("Could not queue %s%r (%s): the beat's sweeper will queue it again", task.name, args, exc)
        return False
    return True


def enqueue_on_commit(task, *args, countdown=None):
    """Queue ``task(*args)`` once the current transaction commits, so no worker reads a row not there yet."""
    task = _task(task)  # resolved now: a mistyped name fails in the request that wrote the row
    transaction.on_commit(lambda: enqueue(task, *args, countdown=countdown))


def enqueue_each(task, ids):
    """For sweepers: queue ``task(pk)`` for each id, stopping at the first broker error (the next sweep goes
    on); returns how many were queued."""
    queued, task = 0, _task(task)
    for pk in ids:
        if not enqueue(task, pk):
            break
        queued += 1
    return queued
