"""Periodic tasks of the devices app (merged into Celery beat by config/celery.py)."""
from celery.schedules import crontab

SCHEDULE = {
    "devices-reconcile": {
        "task": "devices.tasks.devices_reconcile_task",
        "schedule": 60.0,
        "options": {"expires": 50},
    },
    # Each round reads only the numbers due by SEBAR_HEALTH_POLL_SECONDS, so a minute here is not a poll a minute.
    "devices-health-poll": {
        "task": "devices.tasks.devices_health_poll_task",
        "schedule": 60.0,
        "options": {"expires": 50},
    },
    "devices-webhook-events-maintain": {
        "task": "devices.tasks.webhook_events_maintain_task",
        "schedule": crontab(minute="*/10"),
        "options": {"expires": 500},
    },
}
