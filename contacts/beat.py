"""Periodic tasks of the contacts app, merged into Celery beat by config/celery.py."""

SCHEDULE = {
    # Imports and grabs whose task was lost (the broker was down after the commit, Redis was flushed).
    "contacts-imports-requeue": {
        "task": "contacts.tasks.imports_requeue_task",
        "schedule": 120.0,
        "options": {"expires": 100.0},
    },
}
