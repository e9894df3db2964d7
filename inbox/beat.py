"""Periodic tasks of the inbox, merged into Celery beat by config/celery.py."""

SCHEDULE = {
    # Replies whose send task was lost (the broker was down after the commit, Redis was flushed).
    "inbox-messages-requeue": {
        "task": "inbox.tasks.messages_requeue_task",
        "schedule": 60.0,
        "options": {"expires": 50.0},
    },
    # Snoozed chats whose time came go back to the open list.
    "inbox-chats-wake": {
        "task": "inbox.tasks.chats_wake_task",
        "schedule": 60.0,
        "options": {"expires": 50.0},
    },
    # Chats waiting for a free agent: an agent's working hours began, or their heartbeat came back.
    "inbox-chats-assign-waiting": {
        "task": "inbox.tasks.chats_assign_waiting_task",
        "schedule": 60.0,
        "options": {"expires": 50.0},
    },
}
