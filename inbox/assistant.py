"""The AI assistant: retrieval-augmented answers from an OpenAI-compatible API, or an FAQ by BM25.

`assistant_answer` never raises to the pipeline and never guesses: a weak best match, the model saying
it does not know, or any error becomes a handoff to a person (bot off, chat marked "needs a human").
Without an API key, or on a plan without AI replies, the best FAQ answer above the workspace's BM25
threshold is sent; otherwise the bot stays silent and the chat waits for an agent.

Each model answer counts against the plan's monthly allowance (`billing.limits.ai_answer_reserve`, once per
inbound message); when the month's answers are used up the chat goes to a person with the plan's words why.
"""
import dataclasses
import logging

from django.conf import settings as django_settings
from django.utils.translation import gettext as _
from openai import OpenAI

from billing.errors import LimitReached
from billing.limits import ai_answer_release, ai_answer_reserve, limit_for
from config.outbound import check_url, httpx_client

from . import bm25
from .models import KnowledgeChunk, KnowledgeSource, Message
from .retrieval import search

logger = logging.getLogger(__name__)

HISTORY_MESSAGES = 8
CONTEXT_CHUNKS = 4
DONT_KNOW_MARKERS = ("i don't know", "i do not know", "i dont know", "tidak tahu", "handoff")


@dataclasses.dataclass
class Outcome:
    reply: str = ""
    source: str = ""
    handoff: str = ""


@dataclasses.dataclass(frozen=True)
class AIConfig:
    base_url: str
    api_key: str
    chat_model: str
    embedding_model: str
    # True when base_url is the workspace's own: its requests go through config.outbound's checks.
    tenant_url: bool = False


def ai_config(settings):
    """Operator settings, each overridable by the workspace.

    The URL and the key are chosen together: the operator's key only ever goes to the operator's URL.
    A workspace that sets its own base URL must set its own key too (without one it has no key).
    """
    operator_url = django_settings.OPENAI_BASE_URL
    tenant_url = (settings.base_url or "").strip()
    if tenant_url and tenant_url.rstrip("/") != operator_url.rstrip("/"):
        base_url, api_key, is_tenant = tenant_url, settings.api_key, True
    else:
        base_url, api_key, is_tenant = operator_url, settings.api_key or django_settings.OPENAI_API_KEY, False
    return AIConfig(base_url=base_url, api_key=api_key, tenant_url=is_tenant,
                    chat_model=settings.chat_model or django_settings.OPENAI_CHAT_MODEL,
                    embedding_model=settings.embedding_model or django_settings.OPENAI_EMBEDDING_MODEL)


def ai_allowed(workspace):
    """The plan includes AI answers at all (this month's may still be used up: `ai_answer_reserve` says)."""
    return limit_for(workspace, "ai_replies") != 0


def openai_client(config):
    http_client = None
    if config.tenant_url:
        check_url(config.base_url)
        http_client = httpx_client(timeout=20.0)
    return OpenAI(base_url=config.base_url, api_key=config.api_key, timeout=20.0, max_retries=1,
                  http_client=http_client)


def embed(config, texts):
    """Embedding vectors for `texts`, in order, batched."""
    client = openai_client(config)
    vectors = []
    for start in range(0, len(texts), 64):
        response = client.embeddings.create(model=config.embedding_model, input=texts[start:start + 64])
        vectors += [item.embedding for item in sorted(response.data, key=lambda d: d.index)]
    return vectors


def _system_prompt(settings, context):
    parts = [
        "You are the customer-service assistant of a business on WhatsApp. Answer briefly and only from "
        "the context below. If the context does not contain the answer, reply exactly: I don't know.",
    ]
    if settings.instructions.strip():
        parts.append("The business's instructions:\n" + settings.instructions.strip())
    parts.append("Context:\n" + context)
    return "\n\n".join(parts)


def _history(chat, before):
    rows = list(Message.objects.filter(chat=chat, timestamp__lte=before.timestamp).exclude(pk=before.pk)
                .exclude(text="").order_by("-timestamp")[:HISTORY_MESSAGES])
    return [{"role": "user" if m.direction == Message.Direction.IN else "assistant", "content": m.text}
            for m in reversed(rows)]


def says_dont_know(answer):
    folded = answer.strip().casefold().replace("\u2019", "'")
    return not folded or any(marker in folded for marker in DONT_KNOW_MARKERS)


def rag_answer(*, chat, message, settings, config):
    question = message.text.strip()
    hits = search(chat.workspace, embed(config, [question])[0], k=CONTEXT_CHUNKS)
    if not hits:
        return Outcome()  # nothing embedded yet: keep quiet, an agent will see the chat
    if hits[0].score < settings.min_similarity:
        return Outcome(handoff=_("No good match in the knowledge base (best %(score).2f).") % {"score": hits[0].score})
    texts = dict(KnowledgeChunk.objects.for_workspace(chat.workspace).filter(pk__in=[h.chunk_id for h in hits])
                 .values_list("pk", "text"))
    strong = [h for h in hits if h.score >= settings.min_similarity and h.chunk_id in texts]
    context = "\n---\n".join(texts[h.chunk_id] for h in strong)
    messages = [{"role": "system", "content": _system_prompt(settings, context)}, *_history(chat, message),
                {"role": "user", "content": question}]
    response = openai_client(config).chat.completions.create(model=config.chat_model, messages=messages,
                                                             temperature=0.2, max_tokens=400)
    answer = (response.choices[0].message.content or "").strip()
    if says_dont_know(answer):
        return Outcome(handoff=_("The assistant did not know the answer."))
    return Outcome(reply=answer, source="assistant")


def faq_answer(*, chat, message, settings):
    faqs = list(KnowledgeSource.objects.for_workspace(chat.workspace)
                .filter(kind=KnowledgeSource.Kind.FAQ).values_list("question", "text"))
    ranked = bm25.rank(message.text, [f"{q} {q} {a}" for q, a in faqs])  # the question counts double
    if ranked and ranked[0][0] >= settings.faq_min_score:
        return Outcome(reply=faqs[ranked[0][1]][1], source="faq")
    return Outcome()


def assistant_answer(*, chat, message, settings):
    """What the assistant says to `message` (an Outcome); never raises."""
    if not settings.ai_enabled or not message.text.strip():
        return Outcome()
    config = ai_config(settings)
    metered = False
    try:
        if config.api_key:
            try:
                ai_answer_reserve(workspace=chat.workspace, message_id=message.pk)
                metered = True
            except LimitReached as exc:
                if not exc.limit:  # the plan has no AI answers at all: the FAQ answers, as before
                    return faq_answer(chat=chat, message=message, settings=settings)
                return Outcome(handoff=exc.message)  # this month's are used up: a person takes over
            outcome = rag_answer(chat=chat, message=message, settings=settings, config=config)
            if not outcome.reply:
                ai_answer_release(workspace=chat.workspace, message_id=message.pk)
            return outcome
        return faq_answer(chat=chat, message=message, settings=settings)
    except Exception as exc:  # noqa: BLE001 - never fail loudly to a customer: a person takes over
        logger.exception("The assistant failed on chat %s", chat.pk)
        if metered:
            ai_answer_release(workspace=chat.workspace, message_id=message.pk)
        return Outcome(handoff=_("The assistant failed (%(error)s).") % {"error": type(exc).__name__})
