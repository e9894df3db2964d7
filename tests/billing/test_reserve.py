"""Two requests adding the last thing a plan allows at once: one wins, the other is refused."""
import threading

import pytest
from django.db import connection, transaction

from billing import limits
from billing.errors import LimitReached
from rotator.models import LinkRotator
from rotator.services import rotator_create

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # SQLite serialises writers at BEGIN (IMMEDIATE); the race needs concurrent writers (MariaDB), and the
    # in-memory shared-cache test database answers a second writer "table is locked" instead of waiting.
    pytest.mark.skipif(connection.vendor == "sqlite", reason="needs concurrent writers (MariaDB)"),
]


def _second_waits_for_first(first, second, counted, release):
    """Run `first` until it has counted (inside its locked transaction), start `second`, and check it waits for
    the lock (without it, it would have counted the old figure and finished by now); then let both finish."""
    one = threading.Thread(target=first)
    one.start()
    assert counted.wait(10)
    two = threading.Thread(target=second)
    two.start()
    two.join(0.5)
    assert two.is_alive()
    release.set()
    one.join(10)
    two.join(10)


def test_the_last_seat_goes_to_one_of_two_concurrent_creates(workspace):
    from billing.selectors import free_package

    plan = free_package()
    plan.features = {**plan.features, "max_rotators": 1}
    plan.save()
    counted, release, outcome = threading.Event(), threading.Event(), {}

    def first():
        try:
            with transaction.atomic():
                limits.reserve(workspace, "rotators")  # counts 0 of 1: fits
                counted.set()
                release.wait(10)  # the other request arrives now, while this one is still saving
                LinkRotator.objects.create(workspace=workspace, slug="first-link", name="first")
        finally:
            connection.close()

    def second():
        try:
            rotator_create(workspace=workspace, slug="second-link", numbers=[{"phone": "6281234567890"}])
            outcome["second"] = "created"
        except LimitReached as exc:
            outcome["second"] = exc.message
        finally:
            connection.close()

    _second_waits_for_first(first, second, counted, release)
    assert "allows 1" in outcome["second"]
    assert LinkRotator.objects.filter(workspace=workspace).count() == 1


def test_a_bulk_add_counting_what_remains_holds_the_last_seat(workspace):
    """A group grab takes `remaining(..., lock=True)` and adds that many: a manual add meanwhile waits."""
    from billing.selectors import free_package
    from contacts.models import Contact
    from contacts.services import contact_create

    plan = free_package()
    plan.max_contacts = 1
    plan.save()
    counted, release, outcome = threading.Event(), threading.Event(), {}

    def bulk():
        try:
            with transaction.atomic():
                outcome["remaining"] = limits.remaining(workspace, "contacts", lock=True)
                counted.set()
                release.wait(10)
                Contact.objects.create(workspace=workspace, phone="6281234567891", source="Group")
        finally:
            connection.close()

    def manual():
        try:
            contact_create(workspace=workspace, phone="6281234567890")
            outcome["manual"] = "created"
        except LimitReached as exc:
            outcome["manual"] = exc.message
        finally:
            connection.close()

    _second_waits_for_first(bulk, manual, counted, release)
    assert outcome["remaining"] == 1
    assert "allows 1" in outcome["manual"]
    assert Contact.objects.filter(workspace=workspace).count() == 1


def test_the_last_ai_answer_of_the_month_goes_to_one_of_two_concurrent_answers(workspace):
    """Two inbound messages answered at once when one AI answer is left: one counts, the other hands off."""
    from billing.models import AIAnswer, Package
    from tests.billing.helpers import paid

    starter = Package.objects.get(code="starter")
    starter.features = {**starter.features, "ai_replies": 1}
    starter.save()
    paid(workspace, "starter")
    counted, release, outcome = threading.Event(), threading.Event(), {}

    def first():
        try:
            with transaction.atomic():  # the assistant's reservation, not yet committed
                outcome["first"] = limits.ai_answer_reserve(workspace=workspace, message_id=101)
                counted.set()
                release.wait(10)
        finally:
            connection.close()

    def second():
        try:
            outcome["second"] = limits.ai_answer_reserve(workspace=workspace, message_id=102)
        except LimitReached as exc:
            outcome["second"] = exc.message
        finally:
            connection.close()

    _second_waits_for_first(first, second, counted, release)
    assert outcome["first"] is True and "used up" in outcome["second"]
    assert AIAnswer.objects.filter(workspace=workspace).count() == 1
