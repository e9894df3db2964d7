"""Periodic tasks of the rotator, merged into Celery beat by config/celery.py."""

SCHEDULE = {
    "rotator-clicks-flush": {
        "task": "rotator.tasks.clicks_flush_task",
        "schedule": 5.0,
        # A backlog never runs a stale flush; the next one reads the same Redis list anyway.
        "options": {"expires": 4.0},
    },
    "rotator-clicks-prune": {
        "task": "rotator.tasks.clicks_prune_task",
        "schedule": 3600.0,
        "options": {"expires": 3000.0},
    },
}
