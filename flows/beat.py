"""Periodic tasks of flows, merged into Celery beat by config/celery.py."""

SCHEDULE = {
    # Reminders and timeouts of questions waiting for an answer, and runs nobody answered for a day.
    "flows-runs-timeout": {
        "task": "flows.tasks.runs_timeout_task",
        "schedule": 60.0,
        "options": {"expires": 50.0},
    },
}
