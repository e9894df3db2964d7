"""Periodic work of the engine. Each entry expires before its next run so a backlog never doubles it.

The kick is what makes Redis disposable: every few seconds it re-arms devices that have work but no
live task chain. Intervals can be tightened by settings (the benchmark scales them to milliseconds).
"""
from django.conf import settings

KICK_SECONDS = settings.SEBAR_KICK_SECONDS
REAP_SECONDS = settings.SEBAR_REAP_SECONDS

SCHEDULE = {
    "campaigns-start-due": {"task": "campaigns.tasks.campaigns_start_due_task", "schedule": 30.0,
                            "options": {"expires": 25}},
    "campaigns-engine-kick": {"task": "campaigns.tasks.engine_kick_task", "schedule": KICK_SECONDS,
                              "options": {"expires": KICK_SECONDS * 0.9}},
    "campaigns-reap": {"task": "campaigns.tasks.recipients_reap_task", "schedule": REAP_SECONDS,
                       "options": {"expires": REAP_SECONDS * 0.9}},
}
