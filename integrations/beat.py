"""Periodic tasks of the integrations app (merged into Celery beat by config/celery.py)."""

SCHEDULE = {
    # Retries whose time came, tasks the broker lost, posts whose worker died: the rows are the truth.
    "integrations-webhook-deliveries-sweep": {
        "task": "integrations.tasks.webhook_deliveries_sweep_task",
        "schedule": 30.0,
        "options": {"expires": 25},
    },
}
