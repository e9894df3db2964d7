"""Queues: the engine, webhooks and AI answers each have their own, and one plain worker still runs them all."""
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from config.celery import DEFAULT_QUEUE, QUEUES, ROUTES, app

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True, scope="module")
def _tasks_discovered():
    app.loader.import_default_modules()  # what a worker does at start: every app's tasks.py


def queue_of(task_name):
    return app.amqp.router.route({}, task_name)["queue"].name


@pytest.mark.parametrize("task_name,queue", [
    ("campaigns.tasks.device_send_task", "engine"),
    ("campaigns.tasks.recipient_deliver_task", "engine"),
    ("campaigns.tasks.engine_kick_task", "engine"),
    ("devices.tasks.webhook_event_process_task", "webhooks"),
    ("inbox.tasks.assistant_reply_task", "ai"),
    ("contacts.tasks.contacts_import_task", "imports"),
    ("contacts.tasks.contacts_grab_task", "imports"),
    # Slow or bulky work stays off the engine's and the webhooks' workers.
    ("campaigns.tasks.campaign_launch_task", DEFAULT_QUEUE),
    ("inbox.tasks.knowledge_source_index_task", DEFAULT_QUEUE),
    ("inbox.tasks.message_media_download_task", DEFAULT_QUEUE),
    ("devices.tasks.webhook_events_maintain_task", DEFAULT_QUEUE),
])
def test_tasks_are_routed_to_their_queue(task_name, queue):
    assert task_name in app.tasks
    assert queue_of(task_name) == queue


def test_every_route_names_a_real_task_and_a_declared_queue():
    assert set(ROUTES) <= set(app.tasks), "a route names a task that does not exist (typo?)"
    assert set(ROUTES.values()) <= set(QUEUES)
    assert {q.name for q in app.conf.task_queues} == set(QUEUES)


# A real worker (in a fresh process, on an in-memory broker) started the way `celery -A config worker` is,
# without -Q: it must take a message from every queue. Without task_queues it would consume only "celery".
PLAIN_WORKER = textwrap.dedent("""
    import json, os, threading
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    django.setup()
    from celery.contrib.testing.worker import start_worker
    from config.celery import QUEUES, app

    app.conf.update(broker_url="memory://", broker_transport_options={"polling_interval": 0.01},
                    task_always_eager=False)
    seen, all_seen = [], threading.Event()

    @app.task(name="tests.queue_probe")
    def probe(queue):
        seen.append(queue)
        if len(seen) == len(QUEUES):
            all_seen.set()

    with start_worker(app, pool="solo", perform_ping_check=False):
        for queue in QUEUES:
            probe.apply_async((queue,), queue=queue)
        all_seen.wait(8)
        print("SEEN=" + json.dumps(sorted(seen)), flush=True)
        os._exit(0)  # the test has its answer; a worker's orderly shutdown takes seconds
""")


def test_a_plain_worker_without_q_consumes_every_queue():
    done = subprocess.run([sys.executable, "-c", PLAIN_WORKER], cwd=ROOT, capture_output=True, text=True,
                          timeout=90, env={**_env(), "PYTHONPATH": str(ROOT)})
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("SEEN=")), None)
    assert line, done.stderr[-3000:]
    assert json.loads(line[5:]) == sorted(QUEUES)


def _env():
    import os

    return {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
