"""Background work of accounts: pruning the records of expired refresh tokens, password reset mail."""
from celery import shared_task

from . import password_reset, tokens


@shared_task(ignore_result=True)
def tokens_flush_task():
    # Idempotent: deletes only rows already expired; two runs at once delete the same rows once.
    return tokens.flush_expired()


@shared_task(ignore_result=True)
def password_reset_mail_task(email):
    # Off the request, so the request does the same for an address with an account and one without. Safe to run
    # twice: a second mail holds a second link, both ending with the next password change.
    password_reset.password_reset_mail(email=email)
