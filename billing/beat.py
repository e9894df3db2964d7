"""Billing's periodic tasks (merged into Celery beat by config/celery.py)."""

SCHEDULE = {
    # Every 10 minutes: a lapsed plan falls back to Free soon after its expiry, never hours later.
    "billing-subscriptions-expire": {
        "task": "billing.tasks.subscriptions_expire_task",
        "schedule": 600.0,
        "options": {"expires": 540},
    },
    # Hourly: "your trial ends in N days" goes out within the hour a trial enters its last days, once.
    "billing-trials-remind": {
        "task": "billing.tasks.trials_remind_task",
        "schedule": 3600.0,
        "options": {"expires": 3000},
    },
}
