"""A sequence over frozen time: each step becomes one engine row at its moment, in the window, only once ever;
"not replied" / "not read" conditions; leaving on reply, opt-out, removal and archive."""
from datetime import time, timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from campaigns.models import Campaign, Recipient
from common.events import emit
from contacts.services import contact_opt_out
from sequences import services
from sequences.advance import sequences_advance
from sequences.models import Enrolment, StepSend

pytestmark = pytest.mark.django_db(transaction=False)


def rows(sequence):
    sequence.refresh_from_db()
    return list(Recipient.objects.filter(campaign_id=sequence.campaign_id).order_by("pk"))


def advance(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return sequences_advance()


def test_each_step_at_its_moment_once(two_steps, contacts, clock, django_capture_on_commit_callbacks):
    enrolled, skipped = services.sequence_enrol(sequence=two_steps, contacts=contacts[:1])
    assert len(enrolled) == 1 and not skipped
    assert advance(django_capture_on_commit_callbacks) == 1
    [first] = rows(two_steps)
    assert first.text in ("Hi Kontak 0!", "Halo Kontak 0!") and first.status == Recipient.Status.PENDING
    campaign = Campaign.objects.get(pk=two_steps.campaign_id)
    assert campaign.kind == Campaign.Kind.SEQUENCE and campaign.status == Campaign.Status.PROCESSING
    # A second run at once, and one an hour later: step 2 is a day after step 1.
    assert advance(django_capture_on_commit_callbacks) == 0
    clock.shift(timedelta(hours=23, minutes=59))
    assert advance(django_capture_on_commit_callbacks) == 0
    clock.shift(timedelta(minutes=2))
    assert advance(django_capture_on_commit_callbacks) == 1
    assert [r.text for r in rows(two_steps)][1] == "Still there, Kontak 0?"
    enrolment = Enrolment.objects.get()
    assert enrolment.status == Enrolment.Status.COMPLETED and enrolment.next_due_at is None
    clock.shift(timedelta(days=5))
    assert advance(django_capture_on_commit_callbacks) == 0 and len(rows(two_steps)) == 2


def test_no_repeat_after_edit_reorder_restart_and_reenrol(two_steps, contacts, clock,
                                                          django_capture_on_commit_callbacks):
    services.sequence_enrol(sequence=two_steps, contacts=contacts[:1])
    advance(django_capture_on_commit_callbacks)
    first, second = two_steps.steps.order_by("order")
    services.step_update(step=first, text="Edited hello")
    services.steps_reorder(sequence=two_steps, step_ids=[second.pk, first.pk])  # step 1 now last
    # A "restart": the due moment forced back so a run finds the enrolment due again.
    Enrolment.objects.update(next_due_at=Enrolment.objects.get().enrolled_at)
    advance(django_capture_on_commit_callbacks)
    advance(django_capture_on_commit_callbacks)
    texts = [r.text for r in rows(two_steps)]
    assert texts.count("Edited hello") == 0 and len(texts) == 2  # step 2 once, step 1 never again
    assert services.sequence_enrol(sequence=two_steps, contacts=contacts[:1])[1] == {contacts[0].pk: "already_done"}
    # The database holds the line even when the code's own check is bypassed.
    enrolment = Enrolment.objects.get()
    with pytest.raises(IntegrityError):
        StepSend.objects.create(workspace=enrolment.workspace, enrolment=enrolment, step=second)


def test_reentry_when_allowed_is_a_new_walk(two_steps, contacts, clock, django_capture_on_commit_callbacks):
    services.sequence_update(sequence=two_steps, allow_reentry=True)
    services.sequence_enrol(sequence=two_steps, contacts=contacts[:1])
    assert services.sequence_enrol(sequence=two_steps, contacts=contacts[:1])[1] == {contacts[0].pk:
                                                                                     "already_enrolled"}
    services.enrolment_remove(enrolment=Enrolment.objects.get())
    enrolled, _skipped = services.sequence_enrol(sequence=two_steps, contacts=contacts[:1])
    assert enrolled[0].round == 2


def test_window_and_weekends(workspace, contacts, local, django_capture_on_commit_callbacks):
    import time_machine

    with time_machine.travel(local(2026, 12, 11, 16, 30), tick=False):  # a Friday, 16:30
        sequence = services.sequence_create(
            workspace=workspace, name="Office hours", window_start=time(9, 0), window_end=time(17, 0),
            skip_weekends=True, steps=[{"delay_value": 2, "delay_unit": "hours", "text": "Hello"}])
        [enrolment] = services.sequence_enrol(sequence=sequence, contacts=contacts[:1])[0]
    # 18:30 Friday is after the window; Saturday and Sunday are skipped: Monday 09:00.
    assert enrolment.next_due_at == local(2026, 12, 14, 9, 0)
    with time_machine.travel(local(2026, 12, 14, 8, 59), tick=False):
        assert advance(django_capture_on_commit_callbacks) == 0
    with time_machine.travel(local(2026, 12, 14, 9, 0), tick=False):
        assert advance(django_capture_on_commit_callbacks) == 1


def test_not_replied_step_is_skipped_after_a_reply(workspace, two_steps, contacts, clock,
                                                   django_capture_on_commit_callbacks):
    first = two_steps.steps.order_by("order").first()
    services.step_update(step=first, stop_on_reply=False)  # a reply does not end it: the condition decides
    services.sequence_enrol(sequence=two_steps, contacts=contacts[:2])
    advance(django_capture_on_commit_callbacks)
    clock.shift(timedelta(hours=3))
    with django_capture_on_commit_callbacks(execute=True):
        emit("message.received", workspace_id=workspace.pk,
             data={"chat": {"id": 1, "phone": contacts[0].phone, "kind": "direct"}, "message": {}})
    clock.shift(timedelta(days=1))
    advance(django_capture_on_commit_callbacks)
    by_phone = {}
    for row in rows(two_steps):
        by_phone.setdefault(row.phone, []).append(row.text)
    assert len(by_phone[contacts[0].phone]) == 1  # replied: step 2 skipped
    assert by_phone[contacts[1].phone][1] == "Still there, Kontak 1?"
    assert StepSend.objects.filter(outcome=StepSend.Outcome.SKIPPED).count() == 1


def test_not_read_condition(two_steps, contacts, clock, django_capture_on_commit_callbacks):
    second = two_steps.steps.order_by("order").last()
    services.step_update(step=second, condition="not_read")
    services.sequence_enrol(sequence=two_steps, contacts=contacts[:2])
    advance(django_capture_on_commit_callbacks)
    read = next(r for r in rows(two_steps) if r.phone == contacts[0].phone)
    Recipient.objects.filter(pk=read.pk).update(status=Recipient.Status.READ, read_at=timezone.now())
    clock.shift(timedelta(days=1, minutes=1))
    advance(django_capture_on_commit_callbacks)
    phones = [r.phone for r in rows(two_steps)]
    assert phones.count(contacts[0].phone) == 1 and phones.count(contacts[1].phone) == 2


def test_reply_stops_and_withdraws_the_unsent_row(workspace, two_steps, contacts, clock,
                                                  django_capture_on_commit_callbacks):
    services.sequence_enrol(sequence=two_steps, contacts=contacts[:1])
    advance(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        emit("message.received", workspace_id=workspace.pk,
             data={"chat": {"id": 1, "phone": contacts[0].phone, "kind": "direct"}, "message": {}})
    enrolment = Enrolment.objects.get()
    assert enrolment.status == Enrolment.Status.LEFT and enrolment.left_reason == Enrolment.Left.REPLIED
    [row] = rows(two_steps)
    assert row.status == Recipient.Status.SKIPPED and row.error_code == "sequence_left"
    clock.shift(timedelta(days=2))
    assert advance(django_capture_on_commit_callbacks) == 0


def test_a_group_message_is_no_reply(workspace, two_steps, contacts, clock, django_capture_on_commit_callbacks):
    services.sequence_enrol(sequence=two_steps, contacts=contacts[:1])
    advance(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        emit("message.received", workspace_id=workspace.pk,
             data={"chat": {"id": 1, "phone": contacts[0].phone, "kind": "group"}, "message": {}})
    assert Enrolment.objects.get().status == Enrolment.Status.ACTIVE


def test_opt_out_leaves(two_steps, contacts, clock, django_capture_on_commit_callbacks):
    services.sequence_enrol(sequence=two_steps, contacts=contacts[:2])
    with django_capture_on_commit_callbacks(execute=True):
        contact_opt_out(contact=contacts[0])
    left = Enrolment.objects.get(contact=contacts[0])
    assert left.status == Enrolment.Status.LEFT and left.left_reason == Enrolment.Left.OPTED_OUT
    assert advance(django_capture_on_commit_callbacks) == 1  # only the other contact
    assert services.sequence_enrol(sequence=two_steps, contacts=[contacts[0]])[1] == {contacts[0].pk: "opted_out"}


def test_archive_ends_everything(two_steps, contacts, clock, django_capture_on_commit_callbacks):
    services.sequence_enrol(sequence=two_steps, contacts=contacts)
    advance(django_capture_on_commit_callbacks)
    services.sequence_archive(sequence=two_steps)
    assert set(Enrolment.objects.values_list("left_reason", flat=True)) == {Enrolment.Left.ARCHIVED}
    assert {r.status for r in rows(two_steps)} == {Recipient.Status.SKIPPED}
    assert Campaign.objects.get(pk=two_steps.campaign_id).status == Campaign.Status.CANCELLED
    with pytest.raises(services.SequenceArchived):
        services.sequence_enrol(sequence=two_steps, contacts=contacts)


def test_deleted_step_is_skipped(workspace, clock, contacts, django_capture_on_commit_callbacks):
    sequence = services.sequence_create(workspace=workspace, name="Three", steps=[
        {"delay_value": 0, "delay_unit": "minutes", "text": "one"},
        {"delay_value": 1, "delay_unit": "hours", "text": "two"},
        {"delay_value": 1, "delay_unit": "hours", "text": "three"}])
    services.sequence_enrol(sequence=sequence, contacts=contacts[:1])
    advance(django_capture_on_commit_callbacks)
    services.step_delete(step=sequence.steps.get(text="two"))
    clock.shift(timedelta(hours=1, minutes=1))
    advance(django_capture_on_commit_callbacks)
    assert [r.text for r in rows(sequence)] == ["one", "three"]


def test_bad_input_says_what_to_fix(workspace, clock):
    with pytest.raises(services.SequenceError) as exc:
        services.sequence_create(workspace=workspace, name="x", steps=[{"text": "{Hi|Halo"}])
    assert exc.value.code == "spintax_error"
    with pytest.raises(services.SequenceError) as exc:
        services.sequence_create(workspace=workspace, name="x", window_start=time(9, 0))
    assert "window" in exc.value.message
    empty = services.sequence_create(workspace=workspace, name="empty")
    with pytest.raises(services.SequenceError):
        services.sequence_enrol(sequence=empty, contacts=[])
