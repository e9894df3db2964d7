"""Periodic tasks of sequences, merged into Celery beat by config/celery.py."""
# A due step waits at most this long for its row; the engine paces it from there.
ADVANCE_SECONDS = 30.0

SCHEDULE = {
    # Enrolments whose next step is due become engine rows (sequences/advance.py); safe to run twice.
    "sequences-advance": {"task": "sequences.tasks.sequences_advance_task", "schedule": ADVANCE_SECONDS,
                          "options": {"expires": ADVANCE_SECONDS * 0.9}},
}
