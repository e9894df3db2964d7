"""Loaded into the webhooks benchmark's Celery workers (CELERY_IMPORTS in bench/hooks_settings.py): the retry
schedule scaled from 30 s … 1 h to 0.2 s … 1 s, so a receiver failing half the time is drained within the run.
Never used outside the benchmark."""
from integrations import webhooks

webhooks.RETRY_SCHEDULE = [0.2, 0.4, 0.8] + [1.0] * 27
