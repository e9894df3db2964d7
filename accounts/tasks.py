"""Background work of accounts: pruning the records of expired refresh tokens."""
from celery import shared_task

from . import tokens


@shared_task(ignore_result=True)
def tokens_flush_task():
    # Idempotent: deletes only rows already expired; two runs at once delete the same rows once.
    return tokens.flush_expired()
