"""Periodic work of analytics: the roll-up of marked days, every minute, expiring before the next run."""
SCHEDULE = {
    "analytics-rollup": {"task": "analytics.tasks.analytics_rollup_task", "schedule": 60.0,
                         "options": {"expires": 55}},
}
