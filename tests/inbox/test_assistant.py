"""The AI assistant against a fake OpenAI-compatible server: RAG answers, handoff instead of guessing,
BM25 FAQ fallback without a key or without the plan feature, and errors that never reach the customer."""
import pytest

from inbox.knowledge import knowledge_source_create
from inbox.models import Chat, KnowledgeChunk, KnowledgeSource, Message
from inbox.services import settings_for
from tests.inbox.conftest import envelope, sent_texts
from tests.inbox.fake_openai import FakeOpenAI

pytestmark = pytest.mark.django_db

HOURS = "Our shop opening hours are Monday to Saturday from 9am to 5pm."
SHIPPING = "Shipping to Jakarta takes two days and costs 15k rupiah."


@pytest.fixture
def ai_plan(workspace):
    from tests.billing.helpers import paid

    paid(workspace, "pro")  # AI replies are a Pro feature


@pytest.fixture
def fake_ai(settings, ai_plan):
    with FakeOpenAI() as server:
        settings.OPENAI_API_KEY = "sk-test"
        settings.OPENAI_BASE_URL = server.base_url
        yield server


def _kb(workspace, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        knowledge_source_create(workspace=workspace, kind="text", title="Hours", text=HOURS + "\n\n" + SHIPPING)


def test_rag_answers_from_the_best_chunk(device, waha, deliver, fake_ai, django_capture_on_commit_callbacks):
    _kb(device.workspace, django_capture_on_commit_callbacks)
    assert KnowledgeChunk.objects.exclude(embedding=None).count() == 1
    settings = settings_for(device.workspace)
    settings.instructions = "Always answer in English. Never promise discounts."
    settings.min_similarity = 0.2
    settings.save()
    deliver(device, envelope("what are your opening hours on saturday?"))
    assert sent_texts(waha) == [HOURS]
    assert Message.objects.get(sender="bot").reply_source == "assistant"
    chat_request = [r for r in fake_ai.requests if r["path"].endswith("/chat/completions")][-1]
    assert "Never promise discounts" in chat_request["body"]["messages"][0]["content"]
    assert chat_request["auth"] == "Bearer sk-test"


def test_weak_match_hands_over_to_a_human(device, waha, deliver, fake_ai, django_capture_on_commit_callbacks):
    _kb(device.workspace, django_capture_on_commit_callbacks)
    deliver(device, envelope("can I pay with bitcoin?"))
    chat = Chat.objects.get()
    assert sent_texts(waha) == []
    assert chat.needs_human and not chat.bot_enabled and "knowledge base" in chat.handoff_reason


def test_model_not_knowing_hands_over(device, waha, deliver, fake_ai, django_capture_on_commit_callbacks):
    _kb(device.workspace, django_capture_on_commit_callbacks)
    settings = settings_for(device.workspace)
    settings.min_similarity = 0.0  # let a poor chunk through: the model itself must refuse
    settings.save()
    deliver(device, envelope("bitcoin accepted?"))
    chat = Chat.objects.get()
    assert sent_texts(waha) == [] and chat.needs_human


def test_ai_error_hands_over_silently(device, waha, deliver, fake_ai, django_capture_on_commit_callbacks):
    _kb(device.workspace, django_capture_on_commit_callbacks)
    fake_ai.fail_chat = True
    settings = settings_for(device.workspace)
    settings.min_similarity = 0.1
    settings.save()
    deliver(device, envelope("opening hours?"))
    chat = Chat.objects.get()
    assert sent_texts(waha) == [] and chat.needs_human and "failed" in chat.handoff_reason


def _faqs(workspace, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        knowledge_source_create(workspace=workspace, kind="faq", question="What are your opening hours?",
                                text="We open 9am-5pm, Monday to Saturday.")
        knowledge_source_create(workspace=workspace, kind="faq", question="Do you ship to Bandung?",
                                text="Yes, shipping to Bandung takes 3 days.")


def test_without_key_best_faq_answers_by_bm25(device, waha, deliver, settings, django_capture_on_commit_callbacks):
    settings.OPENAI_API_KEY = ""
    _faqs(device.workspace, django_capture_on_commit_callbacks)
    assert not KnowledgeSource.objects.filter(embedded=True).exists()
    deliver(device, envelope("kirim ke bandung bisa?", frm="62811@c.us"))
    deliver(device, envelope("what time do you open? opening hours", frm="62812@c.us"))
    deliver(device, envelope("do you sell shoes", frm="62813@c.us"))
    assert sent_texts(waha) == ["Yes, shipping to Bandung takes 3 days.", "We open 9am-5pm, Monday to Saturday."]
    assert not Chat.objects.filter(needs_human=True).exists()  # silent, not handed off


def test_free_plan_falls_back_to_faq_even_with_a_key(device, waha, deliver, settings,
                                                      django_capture_on_commit_callbacks):
    settings.OPENAI_API_KEY = "sk-unused"
    settings.OPENAI_BASE_URL = "http://127.0.0.1:9/v1"  # would fail loudly if called
    _faqs(device.workspace, django_capture_on_commit_callbacks)
    deliver(device, envelope("opening hours please"))
    assert sent_texts(waha) == ["We open 9am-5pm, Monday to Saturday."]


def test_workspace_override_of_base_url_and_key(device, waha, deliver, settings, ai_plan,
                                                django_capture_on_commit_callbacks):
    settings.OPENAI_API_KEY = ""
    settings.OUTBOUND_ALLOW_HTTP, settings.OUTBOUND_ALLOWED_NETWORKS = True, ["127.0.0.0/8"]
    with FakeOpenAI() as server:
        row = settings_for(device.workspace)
        row.base_url, row.api_key, row.min_similarity = server.base_url, "sk-workspace", 0.2
        row.save()
        _kb(device.workspace, django_capture_on_commit_callbacks)
        deliver(device, envelope("shipping to jakarta?"))
        assert sent_texts(waha) == [SHIPPING]
        assert {r["auth"] for r in server.requests} == {"Bearer sk-workspace"}


def test_knowledge_change_rebuilds_the_cached_index(device, waha, deliver, fake_ai,
                                                    django_capture_on_commit_callbacks):
    from inbox.knowledge import knowledge_source_delete
    from inbox.retrieval import load_index

    _kb(device.workspace, django_capture_on_commit_callbacks)
    ids, _ = load_index(device.workspace)
    assert len(ids) == 1
    knowledge_source_delete(source=KnowledgeSource.objects.get())
    ids, _ = load_index(device.workspace)
    assert len(ids) == 0


def test_uploaded_docx_and_pdf_are_chunked(workspace, settings, django_capture_on_commit_callbacks):
    import io

    import docx
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.OPENAI_API_KEY = ""
    document = docx.Document()
    document.add_paragraph("Returns are accepted within 7 days.")
    buffer = io.BytesIO()
    document.save(buffer)
    with django_capture_on_commit_callbacks(execute=True):
        knowledge_source_create(workspace=workspace, kind="file",
                                upload=SimpleUploadedFile("policy.docx", buffer.getvalue()))
        bad = knowledge_source_create(workspace=workspace, kind="file",
                                      upload=SimpleUploadedFile("scan.pdf", b"%PDF-1.4 not really"))
    assert KnowledgeChunk.objects.get().text == "Returns are accepted within 7 days."
    bad.refresh_from_db()
    assert bad.status == "failed" and bad.last_error


def test_chunking_keeps_chunks_short_with_overlap():
    from inbox.chunking import chunk_text

    text = "\n\n".join(f"Paragraph {i} " + "word " * 60 for i in range(20))
    chunks = chunk_text(text, size=400, overlap=50)
    assert len(chunks) > 5 and all(len(c) <= 400 for c in chunks)
    assert all("Paragraph" in "".join(chunks) for _ in [0])


def test_retrieval_and_faq_never_cross_workspaces(device, waha, deliver, settings, other_workspace,
                                                  django_capture_on_commit_callbacks):
    from inbox.retrieval import search, vector_bytes
    from tests.inbox.fake_openai import embedding

    settings.OPENAI_API_KEY = ""
    _faqs(other_workspace, django_capture_on_commit_callbacks)  # B's answers must never reach A's customers
    deliver(device, envelope("opening hours please"))
    assert sent_texts(waha) == []
    source = KnowledgeSource.objects.create(workspace=other_workspace, kind="text", title="B", status="ready")
    KnowledgeChunk.objects.create(workspace=other_workspace, source=source, text=HOURS,
                                  embedding=vector_bytes(embedding(HOURS)))
    assert search(device.workspace, embedding(HOURS)) == []
    assert [h.chunk_id for h in search(other_workspace, embedding(HOURS))]


def test_the_webhook_handler_queues_the_answer_on_the_ai_queue(device, waha, settings, monkeypatch,
                                                               django_capture_on_commit_callbacks):
    from config.celery import app
    from inbox import receive
    from inbox.replies import assistant_reply

    settings.OPENAI_API_KEY = ""
    _faqs(device.workspace, django_capture_on_commit_callbacks)
    queued = []
    # Every task is queued through config.queue, which publishes with apply_async.
    monkeypatch.setattr("inbox.tasks.assistant_reply_task.apply_async", lambda args, **options: queued.append(*args))
    with django_capture_on_commit_callbacks(execute=True):
        message = receive.inbound_message_receive(device=device, event=envelope("kirim ke bandung bisa?"))
    # The webhook task only queued the answer (on its own queue); nothing was computed or sent yet.
    assert queued == [message.pk] and sent_texts(waha) == []
    assert app.amqp.router.route({}, "inbox.tasks.assistant_reply_task")["queue"].name == "ai"
    with django_capture_on_commit_callbacks(execute=True):
        assert assistant_reply(message_id=message.pk) == "faq"
        assert assistant_reply(message_id=message.pk) == "done"  # a redelivered task does not answer twice
    assert sent_texts(waha) == ["Yes, shipping to Bandung takes 3 days."]


def test_a_queued_answer_is_dropped_when_an_agent_took_the_chat(device, waha, settings, monkeypatch,
                                                                django_capture_on_commit_callbacks):
    from inbox import receive
    from inbox.replies import assistant_reply

    settings.OPENAI_API_KEY = ""
    _faqs(device.workspace, django_capture_on_commit_callbacks)
    monkeypatch.setattr("inbox.tasks.assistant_reply_task.apply_async", lambda args, **options: None)
    with django_capture_on_commit_callbacks(execute=True):
        message = receive.inbound_message_receive(device=device, event=envelope("kirim ke bandung bisa?"))
    Chat.objects.filter(pk=message.chat_id).update(bot_enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert assistant_reply(message_id=message.pk) == "skipped"
    assert sent_texts(waha) == []
