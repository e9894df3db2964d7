"""AI answers metered per month (#19): each model answer counts once per inbound message; at the plan's
allowance the assistant stays quiet and hands the chat to a person with the plan's words why."""
import pytest

from billing import limits
from billing.models import AIAnswer
from inbox.knowledge import knowledge_source_create
from inbox.models import Chat, Message
from inbox.replies import assistant_reply
from inbox.services import settings_for
from tests.billing.helpers import paid, plan
from tests.inbox.conftest import envelope, sent_texts
from tests.inbox.fake_openai import FakeOpenAI

pytestmark = pytest.mark.django_db

HOURS = "Our shop opening hours are Monday to Saturday from 9am to 5pm."


@pytest.fixture
def fake_ai(settings, workspace):
    starter = plan("starter")
    starter.features = {**starter.features, "ai_replies": 2}
    starter.save()
    paid(workspace, "starter")
    with FakeOpenAI() as server:
        settings.OPENAI_API_KEY = "sk-test"
        settings.OPENAI_BASE_URL = server.base_url
        yield server


@pytest.fixture
def kb(workspace, fake_ai, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        knowledge_source_create(workspace=workspace, kind="text", title="Hours", text=HOURS)
    settings = settings_for(workspace)
    settings.min_similarity = 0.1
    settings.save()


def test_answers_count_until_the_allowance_then_a_person_takes_over(device, waha, deliver, kb, fake_ai):
    workspace = device.workspace
    deliver(device, envelope("opening hours?", frm="628111000001@c.us"))
    deliver(device, envelope("opening hours please", frm="628111000002@c.us"))
    assert sent_texts(waha) == [HOURS, HOURS]
    assert limits.ai_answers_used(workspace) == 2
    chats_before = len(fake_ai.requests)

    deliver(device, envelope("opening hours on saturday?", frm="628111000003@c.us"))
    third = Chat.objects.get(phone="628111000003")
    assert sent_texts(waha) == [HOURS, HOURS]  # nothing more went out
    assert third.needs_human and not third.bot_enabled
    assert "2 AI answers of your Starter plan for this month are used up" in third.handoff_reason
    assert "Upgrade to Pro" in third.handoff_reason
    assert not any(r["path"].endswith("/chat/completions") for r in fake_ai.requests[chats_before:])  # no model call
    assert limits.ai_answers_used(workspace) == 2
    usage = {row["resource"]: row for row in limits.usage_rows(workspace)}["ai_replies"]
    assert (usage["used"], usage["limit"], usage["full"]) == (2, 2, True)


def test_the_same_message_retried_counts_once(device, waha, deliver, kb):
    deliver(device, envelope("opening hours?"))
    message = Message.objects.get(direction=Message.Direction.IN)
    assert limits.ai_answers_used(device.workspace) == 1
    # The task re-delivered: the pipeline's claim stops it, and the meter itself would not count it again.
    assert assistant_reply(message_id=message.pk) == "done"
    assert limits.ai_answer_reserve(workspace=device.workspace, message_id=message.pk) is False
    assert AIAnswer.objects.filter(message_id=message.pk).count() == 1
    assert sent_texts(waha) == [HOURS]


def test_an_answer_the_model_did_not_give_does_not_count(device, waha, deliver, kb, fake_ai):
    fake_ai.fail_chat = True
    deliver(device, envelope("opening hours?"))
    assert Chat.objects.get().needs_human
    assert limits.ai_answers_used(device.workspace) == 0


def test_the_meter_is_per_workspace(device, waha, deliver, kb):
    from tests.factories import WorkspaceFactory

    other = WorkspaceFactory(name="Other")
    paid(other, "starter")
    deliver(device, envelope("opening hours?"))
    assert limits.ai_answers_used(device.workspace) == 1 and limits.ai_answers_used(other) == 0
