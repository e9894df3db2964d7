"""Periodic tasks of accounts, merged into Celery beat by config/celery.py."""

SCHEDULE = {
    "accounts-tokens-flush": {
        "task": "accounts.tasks.tokens_flush_task",
        "schedule": 6 * 3600.0,
        "options": {"expires": 3 * 3600.0},
    },
}
