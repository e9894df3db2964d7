"""config/queue.py, the one way work is queued (issue 12 #9): a broker outage is a 503 before anything is
written, or a logged miss that a beat sweeper makes good; never a 500 after the commit."""
import logging
import re
from pathlib import Path

import pytest
from django.test import RequestFactory

from config import queue
from config.celery import collect_beat_schedule
from config.error_pages import QueueUnavailablePageMiddleware
from tests.outage import broker_down_fixture
from tests.source_trees import parse_file

__all__ = ["broker_down_fixture"]

ROOT = Path(__file__).resolve().parent.parent
APPS = ["accounts", "billing", "devices", "contacts", "campaigns", "inbox", "rotator", "common", "config"]


def test_every_task_is_queued_through_config_queue():
    """A bare .delay() / .apply_async() raises after the commit when the broker is down: the answer is a 500
    for saved work, and a client that retries does it twice."""
    bare = re.compile(r"\.(delay|apply_async)\(")
    offenders = [f"{path.relative_to(ROOT)}:{number}"
                 for app in APPS for path in (ROOT / app).rglob("*.py")
                 if path != ROOT / "config" / "queue.py" and "emulator" not in path.parts
                 for number, line in enumerate(path.read_text().splitlines(), 1)
                 if bare.search(line.split("#")[0]) and not line.lstrip().startswith(("#", "`"))]
    assert offenders == []


def test_require_refuses_when_the_broker_is_down(broker_down, caplog):
    with caplog.at_level(logging.WARNING, logger="config.queue"), pytest.raises(queue.QueueUnavailable) as exc:
        queue.require()
    assert exc.value.status_code == 503 and exc.value.code == "queue_unavailable"
    assert "nothing was saved" in exc.value.message
    assert "cannot be reached" in caplog.text


def test_require_passes_when_the_broker_answers(broker_down):
    from django.conf import settings

    from config.celery import app

    broker_down.end()
    app.conf.task_always_eager, app.conf.broker_url = False, settings.CELERY_BROKER_URL  # the real Redis
    try:
        queue.require()  # connects only: nothing is published
    finally:
        broker_down.end()


def test_enqueue_logs_instead_of_raising_and_a_sweep_stops_at_the_first_miss(broker_down, caplog):
    from inbox.tasks import message_send_task

    with caplog.at_level(logging.WARNING, logger="config.queue"):
        assert queue.enqueue(message_send_task, 1) is False
        assert queue.enqueue_each(message_send_task, [1, 2, 3]) == 0
    assert caplog.text.count("sweeper will queue it again") == 2


def test_a_page_refused_while_the_queue_is_down_is_a_503_page_saying_nothing_was_saved(db):
    request = RequestFactory().post("/anything")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = QueueUnavailablePageMiddleware(lambda r: None).process_exception(request, queue.QueueUnavailable())
    assert response.status_code == 503 and response["Retry-After"] == "60"
    assert "nothing was saved" in response.content.decode()
    assert QueueUnavailablePageMiddleware(lambda r: None).process_exception(request, ValueError()) is None


@pytest.mark.parametrize("name,task", [
    ("inbox-messages-requeue", "inbox.tasks.messages_requeue_task"),
    ("contacts-imports-requeue", "contacts.tasks.imports_requeue_task"),
])
def test_the_sweepers_are_on_beat_and_expire_before_their_next_run(name, task):
    entry = collect_beat_schedule()[name]
    assert entry["task"] == task and entry["options"]["expires"] < entry["schedule"]


@pytest.mark.django_db
def test_a_task_named_by_its_dotted_path_is_the_task_itself(django_capture_on_commit_callbacks, monkeypatch):
    """Services queue their own app's tasks by dotted path (the tasks module imports them at its top);
    a path resolves to the very task, and a mistyped one fails in the request, not later in a worker."""
    from inbox import tasks

    sent = []
    monkeypatch.setattr(tasks.message_send_task, "apply_async", lambda args, **options: sent.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        queue.enqueue_on_commit("inbox.tasks.message_send_task", 7)
    assert sent == [(7,)]
    with pytest.raises(ImportError):
        queue.enqueue_on_commit("inbox.tasks.message_sned_task", 7)


def test_every_dotted_task_path_in_the_code_is_a_task():
    import ast

    from celery import Task
    from django.utils.module_loading import import_string

    paths = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            for node in ast.walk(parse_file(path)):
                if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                        and re.fullmatch(r"[a-z_]+\.tasks\.[a-z_]+_task", node.value):
                    paths.add(node.value)
    assert "inbox.tasks.message_send_task" in paths
    assert all(isinstance(import_string(p), Task) for p in paths), paths
