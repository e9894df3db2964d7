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
    # Each warming number is evaluated once per local day (the workspace's zone): every quarter hour catches each
    # zone's midnight soon; a round finds nothing to do for numbers already evaluated today.
    "devices-ramp-evaluate": {
        "task": "devices.tasks.devices_ramp_evaluate_task",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 800},
    },
    "devices-webhook-events-maintain": {
        "task": "devices.tasks.webhook_events_maintain_task",
        "schedule": crontab(minute="*/10"),
        "options": {"expires": 500},
    },
}
