"""The Celery application. Beat uses django-celery-beat's database scheduler.

Each app declares its periodic tasks in `<app>/beat.py` as `SCHEDULE = {name: entry}`; they are merged
here so no app has to edit settings to add one. Entries should set `options.expires` shorter than
their interval so a backlog never runs a stale beat twice.
"""
import importlib
import os

from celery import Celery
from celery.signals import beat_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("sebar")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

SEBAR_APPS = ["accounts", "billing", "devices", "contacts", "campaigns", "inbox", "rotator"]


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
