"""Periodic tasks of sequences, merged into Celery beat by config/celery.py."""
from django.conf import settings

ADVANCE_SECONDS = getattr(settings, "SEBAR_SEQUENCE_SECONDS", 30.0)

SCHEDULE = {
    # Enrolments whose next step is due become engine rows (sequences/advance.py); safe to run twice.
    "sequences-advance": {"task": "sequences.tasks.sequences_advance_task", "schedule": ADVANCE_SECONDS,
                          "options": {"expires": ADVANCE_SECONDS * 0.9}},
}
