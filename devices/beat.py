"""Periodic tasks of the devices app (merged into Celery beat by config/celery.py)."""
from celery.schedules import crontab

SCHEDULE = {
    "devices-reconcile": {
        "task": "devices.tasks.devices_reconcile_task",
        "schedule": 60.0,
        "options": {"expires": 50},
    },
    "devices-webhook-events-maintain": {
        "task": "devices.tasks.webhook_events_maintain_task",
        "schedule": crontab(minute="*/10"),
        "options": {"expires": 500},
    },
}
