"""Inbox background work: sending queued replies (and the sweep that re-queues lost ones), copying WAHA's
media before it expires, indexing knowledge. Ids in; a row that is gone or already handled is a quiet no-op,
so a task may run twice."""
import logging
import mimetypes

from celery import shared_task
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from devices.waha import WahaError, WahaSessionNotReady

from .chat_status import chats_wake
from .knowledge import knowledge_source_index
from .models import KnowledgeSource, Message
from .replies import assistant_reply, message_send, messages_requeue
from .rotation import chats_assign_waiting_everywhere
from .services import waha_client

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, max_retries=4)
def message_send_task(self, message_id):
    try:
        message_send(message_id=message_id, final=self.request.retries >= self.max_retries)
    except WahaSessionNotReady as exc:
        raise self.retry(countdown=15 * (self.request.retries + 1)) from exc


@shared_task(ignore_result=True)
def messages_requeue_task():
    return messages_requeue()


@shared_task(ignore_result=True)
def chats_wake_task():
    return chats_wake()


@shared_task(ignore_result=True)
def chats_assign_waiting_task():
    return chats_assign_waiting_everywhere()


@shared_task(bind=True, acks_late=True, max_retries=3)
def message_media_download_task(self, message_id):
    """WAHA deletes its files after ~3 minutes (API.md §5): copy the media while we can."""
    message = Message.objects.select_related("device").filter(pk=message_id).first()
    if message is None or message.media or not message.media_remote_url:
        return
    try:
        content = waha_client(message.device).download_media(message.media_remote_url)
    except WahaError as exc:
        if exc.is_transient and self.request.retries < self.max_retries:
            raise self.retry(countdown=10) from exc
        logger.warning("Copying the media of message %s failed: %s", message.pk, exc)
        Message.objects.filter(pk=message.pk).update(
            error=_("The file could not be copied from WhatsApp before it expired.")[:300])
        return
    # Stored under a name we make: the customer's file name ("../../x", "a/b.pdf") is only shown, never
    # used as a path. media_filename keeps it for the download.
    ext = mimetypes.guess_extension((message.media_mimetype or "").split(";")[0].strip()) or ".bin"
    name = f"{message.short_id or message.pk}{ext}"
    try:
        message.media.save(name, ContentFile(content), save=False)
    except Exception:  # noqa: BLE001 - the message must say its file is missing rather than lose it silently
        logger.exception("Storing the media of message %s failed", message.pk)
        Message.objects.filter(pk=message.pk).update(error=_("The file could not be stored. Ask the customer "
                                                             "to send it again.")[:300])
        return
    message.media_remote_url = ""
    message.save(update_fields=["media", "media_remote_url"])


@shared_task(acks_late=True, ignore_result=True)
def assistant_reply_task(message_id):
    assistant_reply(message_id=message_id)


@shared_task(acks_late=True)
def knowledge_source_index_task(source_id):
    source = KnowledgeSource.objects.filter(pk=source_id).select_related("workspace").first()
    if source is None:
        return
    knowledge_source_index(source=source)
