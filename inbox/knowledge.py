"""Knowledge-base writes: adding texts, FAQ pairs and files, indexing them into chunks, deleting them.

Indexing runs in a task (files can be long and embeddings are a network call). Chunks get embeddings
when an API key is configured and the plan includes AI replies; without, they are kept for later and
the FAQ pairs still answer by BM25. Every change bumps the workspace's index version (retrieval.py).
"""
import logging

from django.db import transaction
from django.utils.translation import gettext as _

from config import queue
from config.errors import UserError

from .assistant import ai_allowed, ai_config, embed
from .chunking import check_upload, chunk_text, extract_text
from .models import KnowledgeChunk, KnowledgeSource
from .retrieval import kb_changed, vector_bytes
from .services import settings_for

logger = logging.getLogger(__name__)

# inbox.tasks imports this module, so its task is queued by its dotted path (config.queue imports it).
INDEX_TASK = "inbox.tasks.knowledge_source_index_task"


def knowledge_source_create(*, workspace, kind, title="", text="", question="", upload=None):
    text, question, title = (text or "").strip(), (question or "").strip(), (title or "").strip()
    if kind == KnowledgeSource.Kind.FAQ:
        if not question or not text:
            missing = {name: "required" for name, value in (("question", question), ("text", text)) if not value}
            raise UserError(_("An FAQ needs both a question and its answer."), fields=missing)
        title = title or question[:200]
    elif kind == KnowledgeSource.Kind.TEXT:
        if not text:
            raise UserError(_("Paste the text the assistant should know."), fields={"text": "required"})
        title = title or text[:60]
    elif kind == KnowledgeSource.Kind.FILE:
        if upload is None:
            raise UserError(_("Choose a .txt, .md, .pdf or .docx file."), fields={"file": "required"})
        check_upload(upload.name, upload.size)
        title = title or upload.name
    else:
        raise UserError(_("Choose text, FAQ or file."), fields={"kind": "invalid"})
    queue.require()  # refused while the queue is down, before the file is kept: it would wait unindexed
    source = KnowledgeSource(workspace=workspace, kind=kind, title=title[:200], text=text, question=question[:500])
    if upload is not None:
        source.file.save(upload.name, upload, save=False)
    source.full_clean()
    with transaction.atomic():
        source.save()
        queue.enqueue_on_commit(INDEX_TASK, source.pk)
    return source


def _source_text(source):
    if source.kind == KnowledgeSource.Kind.FAQ:
        return f"Q: {source.question}\nA: {source.text}"
    if source.kind == KnowledgeSource.Kind.FILE:
        source.file.open("rb")
        try:
            return extract_text(source.file.name, source.file.read())
        finally:
            source.file.close()
    return source.text


def knowledge_source_index(*, source):
    """(Re)build the chunks of one source; the source's status says how it went."""
    try:
        text = _source_text(source)
        pieces = [text] if source.kind == KnowledgeSource.Kind.FAQ else chunk_text(text)
        config = ai_config(settings_for(source.workspace))
        vectors = embed(config, pieces) if config.api_key and ai_allowed(source.workspace) else None
    except UserError as exc:
        source.status, source.last_error = KnowledgeSource.Status.FAILED, exc.message[:300]
        source.save(update_fields=["status", "last_error"])
        return source
    except Exception:  # noqa: BLE001 - the row says it failed; the upstream's answer is for operators only
        # An upstream body can echo anything (a tenant's URL may point at an internal service): it goes to
        # the log, never to the row tenants read.
        logger.exception("Indexing knowledge source %s failed", source.pk)
        source.status = KnowledgeSource.Status.FAILED
        source.last_error = _("The embeddings service did not answer. Try again later; if it keeps failing, "
                              "check the API base URL and key in the assistant settings.")[:300]
        source.save(update_fields=["status", "last_error"])
        return source
    with transaction.atomic():
        KnowledgeChunk.objects.filter(source=source).delete()
        KnowledgeChunk.objects.bulk_create([
            KnowledgeChunk(workspace_id=source.workspace_id, source=source, position=i, text=piece,
                           embedding=vector_bytes(vectors[i]) if vectors else None)
            for i, piece in enumerate(pieces)])
        source.status, source.last_error, source.embedded = KnowledgeSource.Status.READY, "", bool(vectors)
        source.save(update_fields=["status", "last_error", "embedded"])
        kb_changed(source.workspace)
    return source


def knowledge_source_delete(*, source):
    workspace = source.workspace
    with transaction.atomic():
        if source.file:
            source.file.delete(save=False)
        source.delete()
        kb_changed(workspace)


def knowledge_reindex_all(*, workspace):
    """Queue every source again (after the API key or embedding model changed). Refused (QueueUnavailable)
    while the queue is down; the caller's transaction then rolls its change back."""
    ids = list(KnowledgeSource.objects.for_workspace(workspace).values_list("pk", flat=True))
    if not ids:
        return 0
    queue.require()
    KnowledgeSource.objects.filter(pk__in=ids).update(status=KnowledgeSource.Status.PENDING)
    transaction.on_commit(lambda: queue.enqueue_each(INDEX_TASK, ids))
    return len(ids)
