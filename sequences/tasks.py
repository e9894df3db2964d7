"""Thin tasks of sequences: the beat's advance (safe to run twice: the StepSend row decides)."""
from celery import shared_task

from .advance import sequences_advance


@shared_task
def sequences_advance_task():
    return sequences_advance()
