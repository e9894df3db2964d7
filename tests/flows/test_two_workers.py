"""Two workers given the same inbound message at once (a redelivered task, two webhook workers): the run moves
once. Real concurrent transactions need MariaDB; SQLite serialises every writer, so there it runs one by one."""
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from flows.models import FlowRun, FlowStep
from inbox import replies
from inbox.models import Chat, Message
from tests.inbox.conftest import envelope, sent_texts

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_workers_one_message_one_step(device, waha, publish):
    from inbox import receive

    publish()
    receive.inbound_message_receive(device=device, event=envelope("order"))
    chat = Chat.objects.get()
    message = Message.objects.create(workspace=device.workspace, chat=chat, device=device, direction="in",
                                     sender="customer", text="2", timestamp=timezone.now())
    outcomes = []
    if connection.vendor == "sqlite":
        outcomes = [replies.reply_pipeline(message=message), replies.reply_pipeline(message=message)]
    else:
        barrier = threading.Barrier(2)

        def worker():
            try:
                barrier.wait()
                outcomes.append(replies.reply_pipeline(message=message))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    assert sorted(outcomes) == ["flow", "flow_duplicate"]
    assert FlowRun.objects.get().node == "qty"
    assert FlowStep.objects.filter(message=message).count() == 1
    assert sent_texts(waha).count("How many?") == 1
