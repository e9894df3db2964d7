"""The Celery application. Beat uses django-celery-beat's database scheduler.

Each app declares its periodic tasks in `<app>/beat.py` as `SCHEDULE = {name: entry}`; they are merged
here so no app has to edit settings to add one. Entries should set `options.expires` shorter than
their interval so a backlog never runs a stale beat twice.

Queues: the engine's per-device chains are time-critical (a late step is a late send), so they do not
wait behind a file import, knowledge indexing or an LLM call. Every queue is declared here, so a plain
`celery -A config worker` (no -Q) consumes all of them and a one-process deployment keeps working;
production runs a worker per queue (`-Q engine`, …, see docker-compose.yml and Procfile.dev).
"""
import importlib
import os

from celery import Celery
from celery.signals import beat_init
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("sebar")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

DEFAULT_QUEUE = "celery"
# Every queue, and what it carries; a task not routed below runs on the default queue.
QUEUES = {
    DEFAULT_QUEUE: "beats, knowledge indexing, media copies, inbox replies: everything else",
    "engine": "the broadcast engine: per-device send chains, their deliveries, the kick and the reaper",
    "webhooks": "processing of stored WAHA webhook events (inbound messages, acks, session status)",
    "ai": "the assistant's answers (an LLM call of up to 20 s), queued by the webhook handler",
    "imports": "contact file imports and group grabs: long, bulky, time-limited (IMPORT_TIME_LIMIT_SECONDS)",
    "hooks": "outbound webhooks to the workspaces' own systems: short timeouts, so a slow receiver waits alone",
}
ROUTES = {
    "campaigns.tasks.device_send_task": "engine",
    "campaigns.tasks.recipient_deliver_task": "engine",
    "campaigns.tasks.engine_kick_task": "engine",
    "campaigns.tasks.recipients_reap_task": "engine",
    "devices.tasks.webhook_event_process_task": "webhooks",
    "inbox.tasks.assistant_reply_task": "ai",
    "contacts.tasks.contacts_sniff_task": "imports",
    "contacts.tasks.contacts_import_task": "imports",
    "contacts.tasks.contacts_grab_task": "imports",
    "integrations.tasks.webhook_deliver_task": "hooks",
}
app.conf.task_default_queue = DEFAULT_QUEUE
app.conf.task_queues = [Queue(name, routing_key=name) for name in QUEUES]
app.conf.task_routes = {task: {"queue": queue} for task, queue in ROUTES.items()}

SEBAR_APPS = ["accounts", "billing", "devices", "contacts", "campaigns", "inbox", "rotator", "integrations",
              "analytics", "flows", "sequences"]


def collect_beat_schedule():
    schedule = {}
    for name in SEBAR_APPS:
        try:
            module = importlib.import_module(f"{name}.beat")
        except ModuleNotFoundError as exc:
            if exc.name != f"{name}.beat":
                raise
            continue
        schedule.update(module.SCHEDULE)
    return schedule


@app.on_after_finalize.connect
def _install_beat_schedule(sender, **kwargs):
    sender.conf.beat_schedule = {**collect_beat_schedule(), **(sender.conf.beat_schedule or {})}


@beat_init.connect
def _beat_ready(sender=None, **kwargs):
    sender.app.conf.beat_schedule = {**collect_beat_schedule(), **(sender.app.conf.beat_schedule or {})}
