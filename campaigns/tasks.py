"""Thin Celery tasks of the engine (see engine.py); ids in, safe to run twice, quiet when the row is gone."""
from celery import shared_task

from . import engine, engine_beat, services


@shared_task(acks_late=True, ignore_result=True)
def device_send_task(device_id, chain):
    return engine.run_chain(device_id, chain, lambda: engine.device_step(device_id, chain))


@shared_task(acks_late=True, ignore_result=True)
def recipient_deliver_task(recipient_id, chain, chat_id=None, slot=None, message_id=None):
    return engine.run_chain(None, chain, lambda: engine.deliver(recipient_id, chain, chat_id=chat_id, slot=slot,
                                                                message_id=message_id))


@shared_task(ignore_result=True)
def engine_kick_task():
    return engine_beat.engine_kick()


@shared_task(ignore_result=True)
def recipients_reap_task():
    return engine_beat.recipients_reap()


@shared_task(ignore_result=True)
def campaigns_start_due_task():
    return services.campaigns_start_due()


@shared_task(acks_late=True, ignore_result=True)
def campaign_launch_task(campaign_id):
    services.campaign_launch(campaign_id=campaign_id)
